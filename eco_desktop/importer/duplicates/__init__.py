"""Which imported rows are already in the catalogue, or already earlier in the file.

Rules, in order: the same SIRET; else the same SIREN (unless both have a SIRET and they
differ: two sites of one company are two actors); else the same name (or an actor's
alias) in the same commune (INSEE code or name) or with the same postcode, or anywhere
when the row or the actor has no place at all (a list of laureates gives no address);
else a close name in the same commune or postcode — rapidfuzz ``token_sort_ratio`` >= 92
on names folded (accents, case, punctuation) and stripped of legal forms ("CELLECTIS" =
"Cellectis" = "Cellectis SA"), holding the same numbers: names differing only by a number
are different organisations (« Acteur import 1 », « Acteur import 2 »). A row carrying the
catalogue id of our own export matches that actor when the names are close too.

Records whose identifiers conflict (two SIRETs that differ, two SIRENs that differ) are
different establishments, never duplicates, whatever their names: the 26 stores of a
chain in one file are 26 actors. A record without a SIRET (a firm known by its SIREN, a
row without identifier) is one establishment: the first row with a SIRET found to be it
gives it that SIRET, and the firm's other sites are not duplicates of it. The identifier
and exact-name rules are dictionary lookups over the whole file and catalogue.

Names are compared within blocks (postcode, INSEE code, commune) only, so 100,000 rows
against 100,000 actors take seconds, not hours. Within a block only names whose lengths
can reach the threshold are compared, a row only with the rows above it, never twice with
the same names (a postcode and the INSEE code of its commune), and rows already matched
by an identifier or by their exact name not at all; the comparisons run on every core,
in score matrices of bounded size (_CELLS_PER_CHUNK), whatever the size of a block or the
length of a name.

keys         — name keys, numbers in names, conflicting identifiers
blocks       — the places names are compared within, cut when too big
scoring      — rapidfuzz's scores in bounded matrices, on every core
in_catalogue — the rules against the catalogue's actors
in_file      — the rules against the rows above in the file
matching     — find_duplicates: the rules in order, and Duplicate
"""
from .keys import LEGAL_FORMS, conflicting, name_key
from .matching import NAME_THRESHOLD, Duplicate, find_duplicates

__all__ = ["LEGAL_FORMS", "NAME_THRESHOLD", "Duplicate", "conflicting", "find_duplicates",
           "name_key"]
