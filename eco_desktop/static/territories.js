/* The map's « Nombre d'acteurs par… » layers (commune, EPT, EPCI, département) and its
 * density (heat) layer, on top of the window.ecoMap API of static/ecomap.js.
 *
 * Data: the territories' payload of eco_desktop/maps/layers.py (counts, classes, colours,
 * the communes' EPT and EPCI), the bundled outlines already in the page (communes,
 * départements: their `code` and `nom`). An EPT or EPCI is drawn as the union of its
 * communes' outlines. Each layer is built the first time it is shown; one count layer
 * at a time, with its graduated legend. A territory's name and count show on hover; a
 * click asks the application to filter by it (`territoryClicked(level, code)`, app
 * pages only). Names are inserted as text, never as HTML.
 */
(function () {
  "use strict";

  var NO_ACTOR_FILL = "#ffffff";

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function readJson(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function count(n) {
    return n.toLocaleString("fr-FR") + " " + (n > 1 ? "acteurs" : "acteur");
  }

  // The class of a count: the first whose upper bound holds it (-1: no actor).
  function classOf(n, breaks) {
    if (!n) return -1;
    for (var i = 0; i < breaks.length; i++) if (n <= breaks[i]) return i;
    return breaks.length - 1;
  }

  // Polygons of a Polygon or MultiPolygon geometry, as MultiPolygon coordinates.
  function polygonsOf(geometry) {
    if (!geometry) return [];
    return geometry.type === "MultiPolygon" ? geometry.coordinates : [geometry.coordinates];
  }

  function attach(ecoMap, opts) {
    var map = ecoMap.map, control = opts.control;
    var data = readJson(opts.dataId) || { levels: {}, membership: {}, total: 0 };
    var levels = data.levels || {}, membership = data.membership || {};
    var outlines = {};  // level -> GeoJSON FeatureCollection, made on first use

    function features(level) {
      if (outlines[level]) return outlines[level];
      if (level === "departement") {
        outlines[level] = readJson(opts.departementsId) || { type: "FeatureCollection", features: [] };
        return outlines[level];
      }
      var communes = readJson(opts.communesId) || { features: [] };
      if (level === "commune") {
        outlines[level] = communes;
        return communes;
      }
      // EPT (membership[1]) or EPCI (membership[2]): the union of its communes.
      var slot = level === "ept" ? 1 : 2, grouped = {}, order = [];
      communes.features.forEach(function (feature) {
        var code = (feature.properties || {}).code, member = membership[code];
        var group = member ? member[slot] : "";
        if (!group) return;
        if (!grouped[group]) { grouped[group] = []; order.push(group); }
        Array.prototype.push.apply(grouped[group], polygonsOf(feature.geometry));
      });
      var names = levels[level].names || {};
      outlines[level] = {
        type: "FeatureCollection",
        features: order.map(function (group) {
          return { type: "Feature", properties: { code: group, nom: names[group] || group },
                   geometry: { type: "MultiPolygon", coordinates: grouped[group] } };
        })
      };
      return outlines[level];
    }

    // ---- one count layer per level, in the layer control ----
    var groups = {}, shownLevel = null, legend = null;
    var hoverTip = L.tooltip({ sticky: true, direction: "top", offset: [0, -6], className: "eco-tip" });

    function styleOf(level, code) {
      var info = levels[level], k = classOf(info.counts[code] || 0, info.breaks);
      // An EPT or EPCI is its communes' outlines: their inner borders stay faint.
      var union = level === "ept" || level === "epci";
      return {
        color: "#475569", weight: level === "departement" ? 0.8 : 0.5, opacity: union ? 0.45 : 0.8,
        fillColor: k < 0 ? NO_ACTOR_FILL : info.colours[k], fillOpacity: k < 0 ? 0.25 : 0.72
      };
    }

    function build(level) {
      var info = levels[level];
      var layer = L.geoJSON(features(level), {
        style: function (feature) { return styleOf(level, feature.properties.code); },
        onEachFeature: function (feature, shape) {
          var code = feature.properties.code, name = feature.properties.nom || code;
          shape.on("mouseover", function (e) {
            var tip = el("span");
            tip.appendChild(el("b", null, name));
            tip.appendChild(document.createTextNode(" : " + count(info.counts[code] || 0)));
            hoverTip.setLatLng(e.latlng).setContent(tip);
            map.openTooltip(hoverTip);
            shape.setStyle({ weight: 2.5, color: "#111827" });
          });
          shape.on("mousemove", function (e) { hoverTip.setLatLng(e.latlng); });
          shape.on("mouseout", function () {
            map.closeTooltip(hoverTip);
            shape.setStyle(styleOf(level, code));
          });
          shape.on("click", function () {
            if (ecoMap.app) ecoMap.callBridge("territoryClicked", level, code);
          });
        }
      });
      // Under the markers, which share the map's canvas (drawn later: on top, and
      // clicked first where they are).
      layer.eachLayer(function (shape) { shape.bringToBack(); });
      return layer;
    }

    function legendBox(level) {
      var info = levels[level];
      var box = el("div", "eco-box eco-legend eco-territory-legend");
      box.appendChild(el("div", "eco-legend-head", info.title));
      var low = 1;
      info.breaks.forEach(function (high, i) {
        var line = el("div", "eco-legend-row");
        var swatch = el("span", "eco-swatch");
        swatch.style.backgroundColor = info.colours[i];
        line.appendChild(swatch);
        line.appendChild(el("span", "eco-legend-label", low === high ? String(high) : low + " – " + high));
        box.appendChild(line);
        low = high + 1;
      });
      var none = el("div", "eco-legend-row");
      var blank = el("span", "eco-swatch eco-swatch-none");
      none.appendChild(blank);
      none.appendChild(el("span", "eco-legend-label", "aucun acteur"));
      box.appendChild(none);
      if (info.elsewhere > 0) {
        box.appendChild(el("div", "eco-legend-more", count(info.elsewhere) + " hors de ces territoires"));
      }
      box.appendChild(el("div", "eco-legend-more",
        ecoMap.app ? "Survolez pour le nombre, cliquez pour filtrer." : "Survolez pour le nom et le nombre."));
      L.DomEvent.disableClickPropagation(box);
      return box;
    }

    var LegendControl = L.Control.extend({
      options: { position: "bottomleft" },
      onAdd: function () { return legendBox(this.options.level); }
    });

    Object.keys(levels).forEach(function (level) {
      var group = L.layerGroup();
      groups[level] = group;
      group.on("add", function () {
        if (!group.getLayers().length) group.addLayer(build(level));
        // one count layer at a time
        Object.keys(groups).forEach(function (other) {
          if (other !== level && map.hasLayer(groups[other])) map.removeLayer(groups[other]);
        });
        if (legend) legend.remove();
        legend = new LegendControl({ level: level }).addTo(map);
        shownLevel = level;
      });
      group.on("remove", function () {
        if (shownLevel !== level) return;
        if (legend) { legend.remove(); legend = null; }
        shownLevel = null;
        map.closeTooltip(hoverTip);
      });
      if (control) control.addOverlay(group, levels[level].title);
    });

    function show(level) {
      if (level && groups[level]) {
        if (!map.hasLayer(groups[level])) groups[level].addTo(map);
      } else if (shownLevel) {
        map.removeLayer(groups[shownLevel]);
      }
      return shownLevel;
    }

    // ---- density ----
    var heat = null, heatGroup = L.layerGroup();
    heatGroup.on("add", function () {
      if (!heat) {
        heat = L.heatLayer(ecoMap.locatedPoints(), { radius: 18, blur: 16, maxZoom: 12, minOpacity: 0.25 });
        heatGroup.addLayer(heat);
      }
      // The heat's canvas lies over the markers' one: clicks go through to the markers.
      if (heat._canvas) heat._canvas.style.pointerEvents = "none";
    });
    if (control) control.addOverlay(heatGroup, opts.heatName);

    return {
      show: show,
      shown: function () { return shownLevel; },
      counts: function (level) { return levels[level] ? levels[level].counts : null; },
      setHeat: function (on) {
        if (on && !map.hasLayer(heatGroup)) heatGroup.addTo(map);
        if (!on && map.hasLayer(heatGroup)) map.removeLayer(heatGroup);
        return map.hasLayer(heatGroup);
      },
      heatShown: function () { return map.hasLayer(heatGroup); }
    };
  }

  window.EcoTerritories = { attach: attach };
})();
