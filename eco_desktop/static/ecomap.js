/* The actor map's page logic: basemap, markers, popups, legend, relations and the
 * window.ecoMap API used by the desktop application (eco_desktop/ui/map/view.py; the
 * application's own tools -- drawing an area, moving and placing markers, printing --
 * are static/maptools.js, which the view adds to its pages on top of this API).
 *
 * Record text is always inserted as text (textContent / text nodes), never as HTML.
 * Data arrive as one JSON payload of columns (layout: eco_desktop/maps.py, "payload").
 */
(function () {
  "use strict";

  // Actor row layout (built from the payload columns of maps.py by actorRows).
  var ID = 0, NAME = 1, KIND = 2, LAT = 3, LON = 4, COMMUNE = 5, DOMAINS = 6, WEBSITE = 7;
  var PLACE = 8; // a number naming the exact position (null when not located)
  var UNKNOWN_COLOUR = "#6b7280";
  var MAX_UNLOCATED_LISTED = 500;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function httpUrl(value) {
    if (typeof value !== "string" || !value) return null;
    try {
      var url = new URL(value);
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
    } catch (e) {
      return null;
    }
  }

  function readJson(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function plural(n, one, many) {
    return n.toLocaleString("fr-FR") + " " + (n > 1 ? many : one);
  }

  // Cluster radius in pixels, tighter as one zooms in.
  function clusterRadius(zoom) {
    return zoom >= 11 ? 35 : 50;
  }

  // Set by create(): slug -> colour.
  var colourOf = function () { return UNKNOWN_COLOUR; };

  // A ring of the kinds' shares around the count (kept while the cluster is unchanged).
  function kindRing(cluster) {
    var n = cluster.getChildCount();
    if (cluster._ecoRingCount === n) return cluster._ecoRing;
    var counts = {}, total = 0;
    cluster.getAllChildMarkers().forEach(function (m) {
      var kind = m._ecoRow ? m._ecoRow[KIND] : "";
      counts[kind] = (counts[kind] || 0) + 1;
      total += 1;
    });
    var stops = [], start = 0;
    Object.keys(counts).sort().forEach(function (kind) {
      var end = start + counts[kind] / total * 360;
      stops.push(colourOf(kind) + " " + start.toFixed(2) + "deg " + end.toFixed(2) + "deg");
      start = end;
    });
    cluster._ecoRingCount = n;
    cluster._ecoRing = "conic-gradient(" + stops.join(", ") + ")";
    return cluster._ecoRing;
  }

  function clusterIcon(cluster) {
    var n = cluster.getChildCount();
    var size = n < 10 ? 32 : n < 100 ? 38 : n < 1000 ? 44 : 50;
    var inner = el("span", null, n < 10000 ? String(n) : Math.round(n / 1000) + "k");
    var wrap = el("div");
    wrap.style.background = kindRing(cluster);
    wrap.appendChild(inner);
    return L.divIcon({
      html: wrap,
      className: "eco-cluster",
      iconSize: L.point(size, size)
    });
  }

  // Numbers of the payload: {"int32": base64} or {"float64": base64}, little-endian.
  function numbers(col) {
    var wide = col.int32 === undefined, text = atob(wide ? col.float64 : col.int32);
    var bytes = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    var view = new DataView(bytes.buffer), size = wide ? 8 : 4, out = new Array(bytes.length / size);
    for (i = 0; i < out.length; i++) out[i] = wide ? view.getFloat64(i * size, true) : view.getInt32(i * size, true);
    return out;
  }

  // Texts of the payload: one string (values separated by `separator`) or a list.
  function texts(col, separator) {
    return typeof col === "string" ? col.split(separator) : col;
  }

  // {values, codes}: row i's value is values[codes[i]] (rows with the same domains
  // share one array: it is only read).
  function coded(col) {
    var values = col.values;
    return numbers(col.codes).map(function (code) { return values[code]; });
  }

  // The payload's columns (see maps.py, "payload") to one array per actor (ID, NAME, …
  // layout above).
  function actorRows(cols, data) {
    var n = cols.count, scale = data.positionScale, none = data.noPosition;
    var ids = numbers(cols.id), names = texts(cols.name, data.textSeparator);
    var lats = numbers(cols.lat), lons = numbers(cols.lon);
    var sites = texts(cols.website, data.textSeparator);
    var kinds = coded(cols.kind), communes = coded(cols.commune), doms = coded(cols.domains);
    var rows = new Array(n);
    for (var i = 0; i < n; i++) {
      var lat = lats[i], lon = lons[i], located = lat !== none && lon !== none;
      rows[i] = [ids[i], names[i], kinds[i],
                 located ? lat / scale : null, located ? lon / scale : null,
                 communes[i], doms[i], sites[i] || null,
                 located ? lat * 40000000 + lon : null];
    }
    return rows;
  }

  // The payload's relations to [source id, type, target id] arrays.
  function relationRows(cols) {
    if (!cols || !cols.count) return [];
    var sources = numbers(cols.source), types = coded(cols.type), targets = numbers(cols.target);
    return sources.map(function (source, i) { return [source, types[i], targets[i]]; });
  }

  function create(opts) {
    var map = opts.map, cluster = opts.cluster, relationGroup = opts.relations;
    var osm = opts.osm;
    var timings = {}, started = performance.now();
    function mark(name) { timings[name] = Math.round(performance.now() - started); }
    var data = readJson(opts.dataId);
    mark("parsed");
    var kinds = data.kinds, domains = data.domains, relTypes = data.relationTypes;
    var rows = actorRows(data.actors, data);
    var app = !!data.app;

    // ---- bridge to the application (QWebChannel), app pages only ----
    var bridge = null, pending = [];
    function callBridge(method) {
      var args = Array.prototype.slice.call(arguments, 1);
      if (!app) return;
      if (bridge) bridge[method].apply(bridge, args);
      else pending.push([method, args]);
    }
    if (app && window.QWebChannel && window.qt && window.qt.webChannelTransport) {
      new QWebChannel(window.qt.webChannelTransport, function (channel) {
        bridge = channel.objects.bridge;
        pending.forEach(function (call) { bridge[call[0]].apply(bridge, call[1]); });
        pending = [];
      });
    }

    // ---- basemap from the bundled outlines ----
    map.createPane("basemap").style.zIndex = 250;
    // Place names stay under the markers (the tooltip pane is above them).
    var labelPane = map.createPane("basemapLabels");
    labelPane.style.zIndex = 390;
    labelPane.style.pointerEvents = "none";
    var baseRenderer = L.canvas({ pane: "basemap", padding: 0.5 });
    var fillStyles = [];
    function outline(geojson, style) {
      var layer = L.geoJSON(geojson, {
        style: function () { return style; },
        interactive: false,
        renderer: baseRenderer,
        pane: "basemap"
      });
      fillStyles.push([layer, style.fillOpacity || 0]);
      return layer;
    }
    var region = null, departements = null, communes = null;
    var regionData = readJson(opts.regionId), deptData = readJson(opts.departementsId);
    var communesData = readJson(opts.communesId);
    if (regionData) {
      region = outline(regionData, {
        color: "#475569", weight: 2, opacity: 0.9, fillColor: "#fbfaf6", fillOpacity: 1
      }).addTo(map);
    }
    if (communesData) {
      communes = outline(communesData, {
        color: "#94a3b8", weight: 0.6, opacity: 0.7, fill: false
      });
    }
    if (deptData) {
      departements = outline(deptData, {
        color: "#64748b", weight: 1.2, opacity: 0.9, fill: false
      }).addTo(map);
      departements.eachLayer(function (layer) {
        var props = layer.feature.properties || {};
        var label = el("span");
        label.appendChild(el("span", "eco-label-name", props.nom || props.code || ""));
        label.appendChild(el("span", "eco-label-code", props.code || props.nom || ""));
        layer.bindTooltip(label, {
          permanent: true, direction: "center", className: "eco-dept-label", interactive: false,
          pane: "basemapLabels"
        });
      });
    }
    var communeLabels = L.layerGroup();
    function refreshCommunes() {
      if (!communes) return;
      var zoom = map.getZoom();
      if (zoom >= 11 && !map.hasLayer(communes)) communes.addTo(map);
      if (zoom < 11 && map.hasLayer(communes)) communes.remove();
      communeLabels.clearLayers();
      if (zoom >= 12) {
        var bounds = map.getBounds();
        communes.eachLayer(function (layer) {
          if (!bounds.intersects(layer.getBounds())) return;
          var props = layer.feature.properties || {};
          communeLabels.addLayer(L.tooltip({
            permanent: true, direction: "center", className: "eco-commune-label", interactive: false,
            pane: "basemapLabels"
          }).setLatLng(layer.getCenter()).setContent(el("span", null, props.nom || "")));
        });
        if (!map.hasLayer(communeLabels)) communeLabels.addTo(map);
      } else if (map.hasLayer(communeLabels)) {
        communeLabels.remove();
      }
    }
    map.on("zoomend moveend", refreshCommunes);
    function refreshLabels() {
      // Département names give way to commune names when zoomed in; a département too
      // small on screen for its name shows its code.
      map.getContainer().classList.toggle("eco-zoomed-in", map.getZoom() >= 12);
      if (!departements) return;
      departements.eachLayer(function (layer) {
        var b = layer.getBounds();
        var width = map.latLngToLayerPoint(b.getNorthEast()).x - map.latLngToLayerPoint(b.getSouthWest()).x;
        var name = (layer.feature.properties || {}).nom || "";
        var tip = layer.getTooltip();
        var node = tip && tip.getElement();
        // About 7.5 px a letter in the label's small capitals.
        if (node) node.classList.toggle("eco-label-short", name.length * 7.5 > width * 0.8);
      });
    }
    map.on("zoomend", refreshLabels);
    if (osm) {
      // Over the tiles, the basemap keeps only its lines.
      map.on("overlayadd overlayremove", function (e) {
        if (e.layer !== osm) return;
        var tiles = map.hasLayer(osm);
        fillStyles.forEach(function (pair) {
          if (pair[1]) pair[0].setStyle({ fillOpacity: tiles ? 0 : pair[1] });
        });
      });
    }

    // ---- actors ----
    function kindLabel(slug) { return kinds[slug] ? kinds[slug][0] : (slug || "Type non renseigné"); }
    function kindColour(slug) { return kinds[slug] ? kinds[slug][1] : UNKNOWN_COLOUR; }
    colourOf = kindColour;
    // Actors at the very same place (an address, a commune's centre…): their markers
    // are stacked, so they get a dark outline and their popup lists the others.
    var samePlace = new Map();
    rows.forEach(function (row) {
      if (row[PLACE] === null) return;
      var group = samePlace.get(row[PLACE]);
      if (group) group.push(row); else samePlace.set(row[PLACE], [row]);
    });
    function neighbours(row) { return samePlace.get(row[PLACE]) || [row]; }

    var styles = {};
    function markerStyle(row, selected) {
      var stacked = neighbours(row).length > 1;
      var key = row[KIND] + (selected ? "+" : "") + (stacked ? "*" : "");
      return styles[key] || (styles[key] = {
        radius: selected ? 9 : stacked ? 7.5 : 6.5,
        color: selected ? "#111827" : stacked ? "#1e293b" : "#ffffff",
        weight: selected ? 3 : stacked ? 2.5 : 1.5,
        opacity: 1,
        fillColor: kindColour(row[KIND]),
        fillOpacity: 0.95
      });
    }

    var rowById = {}, markerById = {}, markers = [], unlocated = [];
    var kindCounts = {};
    rows.forEach(function (row) {
      rowById[row[ID]] = row;
      if (row[LAT] === null || row[LON] === null) {
        unlocated.push(row);
        return;
      }
      var marker = L.circleMarker([row[LAT], row[LON]], markerStyle(row, false));
      marker._ecoRow = row;
      markerById[row[ID]] = marker;
      markers.push(marker);
      kindCounts[row[KIND]] = (kindCounts[row[KIND]] || 0) + 1;
    });

    mark("markers");
    var selectionLayer = L.featureGroup().addTo(map);
    // Selected markers are drawn above the cluster icons (a DOM pane over the canvas of
    // the other markers), in SVG so that the rest of their pane lets clicks through.
    map.createPane("ecoSelected").style.zIndex = 620;
    var selectionRenderer = L.svg({ pane: "ecoSelected" });
    var selected = {};

    // One tooltip and one popup for all markers (built on demand, as text).
    var hoverTip = L.tooltip({ direction: "top", offset: [0, -8], className: "eco-tip" });
    var popup = L.popup({ maxWidth: 340, minWidth: 220, className: "eco-popup", autoPanPadding: [40, 40] });

    function popupContent(row) {
      var box = el("div", "eco-card");
      box.appendChild(el("div", "eco-card-name", row[NAME]));
      var kind = el("div", "eco-card-kind");
      var dot = el("span", "eco-dot");
      dot.style.backgroundColor = kindColour(row[KIND]);
      kind.appendChild(dot);
      kind.appendChild(document.createTextNode(kindLabel(row[KIND])));
      box.appendChild(kind);
      if (row[COMMUNE]) box.appendChild(el("div", "eco-card-commune", row[COMMUNE]));
      var doms = (row[DOMAINS] || []).map(function (slug) { return domains[slug] || slug; });
      if (doms.length) box.appendChild(el("div", "eco-card-domains", doms.join(" · ")));
      var site = httpUrl(row[WEBSITE]);
      if (site) {
        var link = el("a", "eco-card-site", site.replace(/^https?:\/\//, "").replace(/\/$/, ""));
        link.href = site;
        link.title = site;
        if (app) {
          link.addEventListener("click", function (e) {
            e.preventDefault();
            callBridge("openLink", site);
          });
        } else {
          link.target = "_blank";
          link.rel = "noopener noreferrer";
        }
        box.appendChild(link);
      }
      var here = neighbours(row);
      if (here.length > 1) box.appendChild(samePlaceList(row, here));
      if (app) {
        var open = el("a", "eco-card-open", "Voir la fiche");
        open.href = "#";
        open.addEventListener("click", function (e) {
          e.preventDefault();
          callBridge("actorActivated", row[ID]);
        });
        box.appendChild(open);
      }
      return box;
    }

    function samePlaceList(row, here) {
      var box = el("div", "eco-card-here");
      box.appendChild(el("div", "eco-card-here-head",
        "Au même endroit : " + plural(here.length - 1, "autre acteur", "autres acteurs")));
      var list = el("ul");
      here.filter(function (other) { return other !== row; }).slice(0, 50).forEach(function (other) {
        var item = el("li");
        var dot = el("span", "eco-dot");
        dot.style.backgroundColor = kindColour(other[KIND]);
        item.appendChild(dot);
        var link = el("a", null, other[NAME]);
        link.href = "#";
        link.addEventListener("click", function (e) {
          e.preventDefault();
          showPopup(markerById[other[ID]]);
          callBridge("actorClicked", other[ID]);
        });
        item.appendChild(link);
        list.appendChild(item);
      });
      box.appendChild(list);
      if (here.length - 1 > 50) box.appendChild(el("div", "eco-legend-more", "… et " + plural(here.length - 51, "autre", "autres")));
      return box;
    }

    function showPopup(marker) {
      popup.setLatLng(marker.getLatLng()).setContent(popupContent(marker._ecoRow)).openOn(map);
    }

    function onMarkerOver(e) {
      var marker = e.layer || e.target;
      if (!marker || !marker._ecoRow) return;
      hoverTip.setLatLng(marker.getLatLng()).setContent(el("span", null, marker._ecoRow[NAME]));
      map.openTooltip(hoverTip);
    }
    function onMarkerOut() { map.closeTooltip(hoverTip); }
    function onMarkerClick(e) {
      var marker = e.layer || e.target;
      if (!marker || !marker._ecoRow) return;
      map.closeTooltip(hoverTip);
      showPopup(marker);
      callBridge("actorClicked", marker._ecoRow[ID]);
    }
    [cluster, selectionLayer].forEach(function (group) {
      group.on("mouseover", onMarkerOver).on("mouseout", onMarkerOut).on("click", onMarkerClick);
    });

    // ---- title, legend, unlocated actors ----
    var TitleControl = L.Control.extend({
      options: { position: "topleft" },
      onAdd: function () {
        var box = el("div", "eco-box eco-title");
        if (data.title) box.appendChild(el("div", "eco-title-main", data.title));
        if (data.subtitle) box.appendChild(el("div", "eco-title-sub", data.subtitle));
        L.DomEvent.disableClickPropagation(box);
        return box;
      }
    });
    if (data.title || data.subtitle) new TitleControl().addTo(map);
    L.control.zoom({ position: "topleft", zoomInTitle: "Zoom avant", zoomOutTitle: "Zoom arrière" }).addTo(map);
    L.control.scale({ position: "bottomleft", imperial: false }).addTo(map);

    var relationLegend = el("div", "eco-legend-relations");
    var unlocatedItems = {};
    var LegendControl = L.Control.extend({
      options: { position: "bottomright" },
      onAdd: function () {
        var box = el("div", "eco-box eco-legend");
        // The heading folds the legend (folded from the start on a small map).
        var top = el("div", "eco-legend-top");
        top.appendChild(el("span", "eco-legend-head", "Types d'acteurs"));
        var fold = el("span", "eco-legend-fold");
        top.appendChild(fold);
        top.setAttribute("role", "button");
        function setFolded(folded) {
          box.classList.toggle("eco-folded", folded);
          fold.textContent = folded ? "▸" : "▾";
          top.title = folded ? "Afficher la légende" : "Replier la légende";
        }
        // The choice is remembered (best effort: storage may be unavailable to the page).
        var FOLD_KEY = "eco-legend-folded", stored = null;
        try { stored = window.localStorage.getItem(FOLD_KEY); } catch (e) { stored = null; }
        top.addEventListener("click", function () {
          var folded = !box.classList.contains("eco-folded");
          setFolded(folded);
          try { window.localStorage.setItem(FOLD_KEY, folded ? "1" : "0"); } catch (e) { /* ignored */ }
        });
        // A small map (the window's tab, beside the facets that show the same colours)
        // starts with the legend folded so that the markers stay visible.
        setFolded(stored !== null ? stored === "1"
                  : window.matchMedia("(max-width: 900px), (max-height: 700px)").matches);
        box.appendChild(top);
        var slugs = Object.keys(kindCounts).sort(function (a, b) {
          return kindCounts[b] - kindCounts[a] || kindLabel(a).localeCompare(kindLabel(b), "fr");
        });
        if (!slugs.length) box.appendChild(el("div", "eco-legend-empty", "Aucun acteur localisé"));
        slugs.forEach(function (slug) {
          var line = el("div", "eco-legend-row");
          var dot = el("span", "eco-dot");
          dot.style.backgroundColor = kindColour(slug);
          line.appendChild(dot);
          line.appendChild(el("span", "eco-legend-label", kindLabel(slug)));
          line.title = kindLabel(slug);
          line.appendChild(el("span", "eco-legend-count", kindCounts[slug].toLocaleString("fr-FR")));
          box.appendChild(line);
        });
        box.appendChild(relationLegend);
        if (unlocated.length) box.appendChild(unlocatedList());
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.disableScrollPropagation(box);
        return box;
      }
    });

    function unlocatedList() {
      var details = el("details", "eco-unlocated");
      details.appendChild(el("summary", null, "Non localisés : " + unlocated.length.toLocaleString("fr-FR")));
      var filled = false;
      details.addEventListener("toggle", function () {
        if (filled || !details.open) return;
        filled = true;
        var list = el("ul");
        unlocated.slice(0, MAX_UNLOCATED_LISTED).forEach(function (row) {
          var item = el("li", selected[row[ID]] ? "eco-selected" : null);
          var dot = el("span", "eco-dot");
          dot.style.backgroundColor = kindColour(row[KIND]);
          item.appendChild(dot);
          item.appendChild(el("span", "eco-unlocated-name", row[NAME]));
          item.title = kindLabel(row[KIND]) + (row[COMMUNE] ? " — " + row[COMMUNE] : "");
          if (app) {
            item.className += " eco-clickable";
            item.addEventListener("click", function () { callBridge("actorActivated", row[ID]); });
            var place = el("button", "eco-place-button", "Placer");
            place.type = "button";
            place.title = "Placer « " + row[NAME] + " » sur la carte";
            place.addEventListener("click", function (e) {
              e.stopPropagation();
              callBridge("placeRequested", row[ID]);
            });
            item.appendChild(place);
          }
          unlocatedItems[row[ID]] = item;
          list.appendChild(item);
        });
        details.appendChild(list);
        if (unlocated.length > MAX_UNLOCATED_LISTED) {
          details.appendChild(el("div", "eco-legend-more",
            "… et " + plural(unlocated.length - MAX_UNLOCATED_LISTED, "autre", "autres")));
        }
      });
      return details;
    }
    new LegendControl().addTo(map);

    // ---- relations ----
    var relationsDrawn = false;
    function drawRelations() {
      if (relationsDrawn) return;
      relationsDrawn = true;
      var present = {};
      relationRows(data.relations).forEach(function (rel) {
        var source = rowById[rel[0]], target = rowById[rel[2]], type = relTypes[rel[1]];
        if (!source || !target || !type || !markerById[rel[0]] || !markerById[rel[2]]) return;
        var line = L.polyline([[source[LAT], source[LON]], [target[LAT], target[LON]]], {
          color: type[2], dashArray: type[3] || null, weight: 2, opacity: 0.75
        });
        var tip = el("span");
        tip.appendChild(el("b", null, source[NAME]));
        tip.appendChild(document.createTextNode(" " + type[0] + " "));
        tip.appendChild(el("b", null, target[NAME]));
        line.bindTooltip(tip, { sticky: true, className: "eco-tip" });
        relationGroup.addLayer(line);
        line.bringToBack(); // under the markers, which share the canvas
        present[rel[1]] = (present[rel[1]] || 0) + 1;
      });
      relationLegend.appendChild(el("div", "eco-legend-head", "Relations"));
      var types = Object.keys(present);
      if (!types.length) relationLegend.appendChild(el("div", "eco-legend-empty", "Aucune relation entre acteurs affichés"));
      types.forEach(function (slug) {
        var line = el("div", "eco-legend-row");
        var svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
        svg.setAttribute("width", "22");
        svg.setAttribute("height", "10");
        svg.setAttribute("class", "eco-line-sample");
        var path = document.createElementNS("http://www.w3.org/2000/svg", "line");
        path.setAttribute("x1", "1"); path.setAttribute("y1", "5");
        path.setAttribute("x2", "21"); path.setAttribute("y2", "5");
        path.setAttribute("stroke", relTypes[slug][2]);
        path.setAttribute("stroke-width", "2.5");
        if (relTypes[slug][3]) path.setAttribute("stroke-dasharray", relTypes[slug][3]);
        svg.appendChild(path);
        line.appendChild(svg);
        line.appendChild(el("span", "eco-legend-label", relTypes[slug][0]));
        line.appendChild(el("span", "eco-legend-count", present[slug].toLocaleString("fr-FR")));
        relationLegend.appendChild(line);
      });
    }
    relationGroup.on("add", function () {
      drawRelations();
      relationLegend.style.display = "";
    });
    relationGroup.on("remove", function () { relationLegend.style.display = "none"; });
    relationLegend.style.display = "none";

    // ---- selection ----
    function deselectAll() {
      Object.keys(selected).forEach(function (id) {
        var marker = markerById[id];
        if (marker) {
          selectionLayer.removeLayer(marker);
          marker.options.renderer = undefined; // back to the map's canvas
          marker.setStyle(markerStyle(marker._ecoRow, false));
          cluster.addLayer(marker);
        }
        if (unlocatedItems[id]) unlocatedItems[id].classList.remove("eco-selected");
      });
      selected = {};
    }

    function selectActors(ids, options) {
      options = options || {};
      deselectAll();
      var toMove = [], points = [];
      (ids || []).forEach(function (id) {
        if (!rowById[id] || selected[id]) return;
        selected[id] = true;
        var marker = markerById[id];
        if (marker) {
          toMove.push(marker);
          points.push(marker.getLatLng());
        }
        if (unlocatedItems[id]) unlocatedItems[id].classList.add("eco-selected");
      });
      if (toMove.length) {
        cluster.removeLayers(toMove);
        toMove.forEach(function (marker) {
          marker.options.renderer = selectionRenderer;
          marker.setStyle(markerStyle(marker._ecoRow, true));
          selectionLayer.addLayer(marker);
        });
      }
      if (points.length && options.fit !== false) {
        var bounds = L.latLngBounds(points);
        if (!map.getBounds().pad(-0.05).contains(bounds)) {
          if (points.length === 1) map.setView(points[0], Math.max(map.getZoom(), 13));
          else map.fitBounds(bounds, { padding: [60, 60], maxZoom: 14 });
        }
      }
      return Object.keys(selected).length;
    }

    function selectedIds() {
      return Object.keys(selected).map(function (id) { return rowById[id][ID]; });
    }

    // The lowest zoom from which the marker is shown on its own: just below its
    // smallest cluster, or where clustering stops if it shares its very place.
    function revealZoom(marker) {
      var parent = marker.__parent;
      if (!parent || parent._zoom === undefined || parent._zoom < map.getMinZoom()) return map.getZoom();
      var b = parent.getBounds();
      if (b.getNorthEast().equals(b.getSouthWest())) {
        return cluster.options.disableClusteringAtZoom || map.getMaxZoom();
      }
      return parent._zoom + 1;
    }

    function openActor(id) {
      var marker = markerById[id];
      if (!marker) return false;
      if (selectionLayer.hasLayer(marker) || marker._map) {
        if (!map.getBounds().contains(marker.getLatLng())) map.panTo(marker.getLatLng(), { animate: false });
      } else {
        var zoom = Math.min(map.getMaxZoom(), Math.max(map.getZoom(), revealZoom(marker)));
        map.setView(marker.getLatLng(), zoom, { animate: false });
      }
      showPopup(marker);
      return true;
    }

    // ---- view ----
    function view() {
      var c = map.getCenter();
      return [c.lat, c.lng, map.getZoom()];
    }
    function setView(lat, lon, zoom) {
      map.setView([lat, lon], zoom, { animate: false });
    }
    map.on("moveend", function () {
      var v = view();
      callBridge("viewChanged", v[0], v[1], v[2]);
    });

    // ---- markers in, then ready ----
    var ready = false;
    function finish() {
      mark("ready");
      ready = true;
      document.documentElement.setAttribute("data-eco-ready", "1");
      callBridge("pageReady", markers.length);
    }
    if (data.view) {
      map.setView([data.view[0], data.view[1]], data.view[2], { animate: false });
    } else if (markers.length) {
      // The région's actors set the first view; partners elsewhere are a zoom out away.
      var points = markers.map(function (m) { return m.getLatLng(); });
      if (region) {
        var home = region.getBounds().pad(0.1);
        var inside = points.filter(function (p) { return home.contains(p); });
        if (inside.length) points = inside;
      }
      map.fitBounds(L.latLngBounds(points), { padding: [50, 50], maxZoom: 13, animate: false });
    } else if (region) {
      map.fitBounds(region.getBounds(), { animate: false });
    }
    refreshCommunes();
    refreshLabels();
    cluster.options.chunkedLoading = true;
    cluster.options.chunkDelay = 10;
    cluster.options.chunkProgress = function (done, total) {
      if (done === total) setTimeout(finish, 0);
    };
    mark("controls");
    if (markers.length) cluster.addLayers(markers);
    else setTimeout(finish, 0);

    return {
      markerCount: function () { return markers.length; },
      // Milliseconds from the start of the page script to each step (diagnostics).
      timings: function () { return JSON.stringify(timings); },
      unlocatedCount: function () { return unlocated.length; },
      isReady: function () { return ready; },
      selectActors: selectActors,
      selectedIds: selectedIds,
      openActor: openActor,
      setRelationsVisible: function (visible) {
        if (visible && !map.hasLayer(relationGroup)) relationGroup.addTo(map);
        if (!visible && map.hasLayer(relationGroup)) relationGroup.remove();
        return map.hasLayer(relationGroup);
      },
      relationsVisible: function () { return map.hasLayer(relationGroup); },
      relationLineCount: function () {
        return map.hasLayer(relationGroup) ? relationGroup.getLayers().length : 0;
      },
      view: view,
      setView: setView,
      // For the application's tools (static/maptools.js): the bridge, the actors' rows
      // and markers, the layers that hold the markers.
      app: app,
      callBridge: callBridge,
      row: function (id) { return rowById[id] || null; },
      marker: function (id) { return markerById[id] || null; },
      markerLayers: [cluster, selectionLayer],
      // [[lat, lon], …] of the located actors (the density layer of static/territories.js).
      locatedPoints: function () {
        return markers.map(function (m) { return [m._ecoRow[LAT], m._ecoRow[LON]]; });
      },
      rowFields: { ID: ID, NAME: NAME, LAT: LAT, LON: LON },
      // For tests and diagnostics: the marker of an actor and its position on screen.
      markerPoint: function (id) {
        var marker = markerById[id];
        if (!marker) return null;
        var p = map.latLngToContainerPoint(marker.getLatLng());
        var r = map.getContainer().getBoundingClientRect();
        return [p.x + r.left, p.y + r.top];
      },
      map: map
    };
  }

  window.EcoMap = { create: create, clusterRadius: clusterRadius, clusterIcon: clusterIcon };
})();
