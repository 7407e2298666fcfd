"""eco_desktop — catalogue of the biotherapy and bioproduction ecosystem of Île-de-France."""

__version__ = "0.1.0"
APP_NAME = "eco-desktop"
APP_TITLE = "eco_desktop"
