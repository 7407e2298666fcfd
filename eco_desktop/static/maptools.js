/* The application's map tools, on top of window.ecoMap (static/ecomap.js): draw an area
 * (a polygon or a circle), show the area of the filter, move a marker, place an actor
 * without a position, and the print layout. eco_desktop/ui/map/view.py adds this script
 * to the application's pages only: a standalone file has no filter to draw into and no
 * catalogue to write to.
 *
 * Nothing is written here: a drawn area, a moved marker or a click to place goes to the
 * window through the bridge (areaDrawn, markerMoved, placeClicked), which decides.
 */
(function () {
  "use strict";
  var eco = window.ecoMap;
  if (!eco || !eco.app || window.ecoTools) return;
  var map = eco.map, container = map.getContainer(), F = eco.rowFields;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function km(metres) {
    var value = metres / 1000;
    return (value < 10 ? value.toFixed(1) : Math.round(value).toString()).replace(".", ",") + " km";
  }

  // ---- the hint line of the tool in use ----
  var hint = el("div", "eco-hint");
  hint.style.display = "none";
  container.appendChild(hint);
  L.DomEvent.disableClickPropagation(hint);
  function setHint(text) {
    hint.textContent = text || "";
    hint.style.display = text ? "" : "none";
  }

  // ---- one tool at a time ----
  var tool = null, stopTool = null;
  function begin(name, text, stop) {
    end();
    tool = name;
    stopTool = stop;
    container.classList.add("eco-tool-" + name);
    setHint(text);
    refreshButtons();
  }
  function end() {
    if (!tool) return;
    var stop = stopTool, name = tool;
    tool = null;
    stopTool = null;
    container.classList.remove("eco-tool-" + name);
    setHint("");
    if (stop) stop();
    refreshButtons();
  }
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && tool && tool !== "move") end();
  });

  // ---- the area of the filter ----
  var AREA_STYLE = { color: "#b45309", weight: 2.5, opacity: 0.95, fillColor: "#f59e0b",
                     fillOpacity: 0.08, dashArray: "6 4", interactive: false };
  var areaLayer = L.featureGroup().addTo(map);
  var shownArea = null;
  function showArea(area, options) {
    areaLayer.clearLayers();
    shownArea = area || null;
    if (area && area.kind === "circle") {
      areaLayer.addLayer(L.circle([area.lat, area.lon], L.extend({ radius: area.radius_km * 1000 }, AREA_STYLE)));
      areaLayer.addLayer(L.circleMarker([area.lat, area.lon], { radius: 3, color: "#b45309", weight: 2,
                                                                fillOpacity: 1, interactive: false }));
    } else if (area && area.kind === "polygon") {
      areaLayer.addLayer(L.polygon(area.rings, AREA_STYLE));
    }
    if (shownArea && options && options.fit) {
      map.fitBounds(areaLayer.getBounds(), { padding: [40, 40], maxZoom: 14, animate: false });
    }
    refreshButtons();
    return !!shownArea;
  }

  function sendArea(area) {
    showArea(area);
    eco.callBridge("areaDrawn", JSON.stringify(area));
  }

  // ---- drawing a polygon: click the vertices, double-click or Enter closes ----
  var DRAW_STYLE = { color: "#b45309", weight: 2.5, opacity: 0.95, interactive: false };
  function drawPolygon() {
    var points = [];
    var line = L.polyline([], DRAW_STYLE).addTo(map);
    var rubber = L.polyline([], L.extend({ dashArray: "4 5", opacity: 0.7 }, DRAW_STYLE)).addTo(map);
    var dots = L.layerGroup().addTo(map);
    map.doubleClickZoom.disable();
    function add(e) {
      var last = points[points.length - 1];
      // The clicks of a double-click land on the last vertex: not new vertices.
      if (last && map.latLngToContainerPoint(last).distanceTo(e.containerPoint) < 4) return;
      points.push(e.latlng);
      line.setLatLngs(points);
      dots.addLayer(L.circleMarker(e.latlng, { radius: 3.5, color: "#b45309", weight: 2, fillColor: "#fff",
                                               fillOpacity: 1, interactive: false }));
      setHint(points.length < 3 ? "Cliquez les sommets de la zone (" + points.length + " placé" +
              (points.length > 1 ? "s" : "") + ") ; Échap pour annuler."
              : "Double-cliquez ou appuyez sur Entrée pour fermer la zone (" + points.length +
                " sommets) ; Échap pour annuler.");
    }
    function follow(e) {
      if (points.length) rubber.setLatLngs([points[points.length - 1], e.latlng, points[0]]);
    }
    function close() {
      if (points.length < 3) {
        setHint("Une zone a au moins trois sommets : cliquez encore, ou Échap pour annuler.");
        return;
      }
      var vertices = points.map(function (p) { return [p.lat, p.lng]; });
      end();
      sendArea({ kind: "polygon", rings: [vertices] });
    }
    function key(e) { if (e.key === "Enter") close(); }
    map.on("click", add);
    map.on("mousemove", follow);
    map.on("dblclick", close);
    document.addEventListener("keydown", key);
    begin("polygon", "Cliquez les sommets de la zone ; double-clic ou Entrée pour fermer, Échap pour annuler.",
          function () {
            map.off("click", add);
            map.off("mousemove", follow);
            map.off("dblclick", close);
            document.removeEventListener("keydown", key);
            [line, rubber, dots].forEach(function (layer) { layer.remove(); });
            // After the double-click's own events, or the map would zoom on it.
            setTimeout(function () { map.doubleClickZoom.enable(); }, 0);
          });
    return true;
  }

  // ---- drawing a circle: press at the centre, drag to the radius ----
  function drawCircle() {
    var centre = null, circle = null;
    map.dragging.disable();
    function down(e) {
      centre = e.latlng;
      circle = L.circle(centre, L.extend({ radius: 1 }, DRAW_STYLE)).addTo(map);
    }
    function drag(e) {
      if (!centre) return;
      var radius = centre.distanceTo(e.latlng);
      circle.setRadius(radius);
      setHint("Rayon : " + km(radius) + " — relâchez pour valider ; Échap pour annuler.");
    }
    function up(e) {
      if (!centre) return;
      var radius = centre.distanceTo(e.latlng), at = centre;
      if (radius < 10) {  // a click, not a drag
        circle.remove();
        centre = null;
        return;
      }
      end();
      sendArea({ kind: "circle", lat: at.lat, lon: at.lng, radius_km: radius / 1000 });
    }
    map.on("mousedown", down);
    map.on("mousemove", drag);
    map.on("mouseup", up);
    begin("circle", "Appuyez au centre du cercle et faites glisser jusqu'au rayon voulu ; Échap pour annuler.",
          function () {
            map.off("mousedown", down);
            map.off("mousemove", drag);
            map.off("mouseup", up);
            if (circle) circle.remove();
            map.dragging.enable();
          });
    return true;
  }

  // ---- moving a marker (only while « Déplacer » is on) ----
  var ghost = null, ghostLine = null;
  function clearGhost() {
    if (ghost) ghost.remove();
    if (ghostLine) ghostLine.remove();
    ghost = ghostLine = null;
  }
  function onMarkerDown(e) {
    var marker = e.layer || e.propagatedFrom;
    if (tool !== "move" || !marker || !marker._ecoRow) return;
    var row = marker._ecoRow, from = marker.getLatLng();
    // Before the event reaches the map's pane, where a drag would pan the map.
    map.dragging.disable();
    map.closePopup();
    clearGhost();
    ghostLine = L.polyline([from, from], { color: "#111827", weight: 1.5, dashArray: "3 4",
                                          interactive: false }).addTo(map);
    ghost = L.circleMarker(from, { radius: 9, color: "#111827", weight: 3, fillColor: "#f59e0b",
                                   fillOpacity: 0.9, interactive: false }).addTo(map);
    function move(ev) {
      var to = map.mouseEventToLatLng(ev);
      ghost.setLatLng(to);
      ghostLine.setLatLngs([from, to]);
    }
    function up(ev) {
      document.removeEventListener("mousemove", move, true);
      document.removeEventListener("mouseup", up, true);
      map.dragging.enable();
      var to = map.mouseEventToLatLng(ev);
      if (map.latLngToContainerPoint(from).distanceTo(map.latLngToContainerPoint(to)) < 3) {
        clearGhost();
        return;
      }
      ghost.setLatLng(to);
      ghostLine.setLatLngs([from, to]);
      eco.callBridge("markerMoved", row[F.ID], to.lat, to.lng);
    }
    document.addEventListener("mousemove", move, true);
    document.addEventListener("mouseup", up, true);
  }
  eco.markerLayers.forEach(function (layer) { layer.on("mousedown", onMarkerDown); });
  function setMoving(on) {
    if (on && tool !== "move") {
      begin("move", "Déplacer : faites glisser un marqueur jusqu'à sa vraie place " +
            "(zoomez d'abord pour séparer les groupes).", clearGhost);
    } else if (!on && tool === "move") {
      end();
    }
    return tool === "move";
  }

  // ---- placing an actor without a position: one click on the map ----
  function startPlacing(id, name) {
    function click(e) {
      end();
      eco.callBridge("placeClicked", id, e.latlng.lat, e.latlng.lng);
    }
    map.on("click", click);
    begin("place", "Cliquez sur la carte à l'emplacement de « " + name + " » ; Échap pour annuler.",
          function () { map.off("click", click); });
    return true;
  }

  // ---- the control: draw a polygon, a circle, clear the area ----
  var buttons = {};
  function icon(kind) {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("width", "18");
    svg.setAttribute("height", "18");
    svg.setAttribute("viewBox", "0 0 18 18");
    var shape = document.createElementNS(ns, kind === "circle" ? "circle" : kind === "clear" ? "path" : "polygon");
    if (kind === "circle") {
      shape.setAttribute("cx", "9"); shape.setAttribute("cy", "9"); shape.setAttribute("r", "6.5");
    } else if (kind === "clear") {
      shape.setAttribute("d", "M4 4 L14 14 M14 4 L4 14");
    } else {
      shape.setAttribute("points", "9,2 16,7 13.5,15.5 4.5,15.5 2,7");
    }
    shape.setAttribute("fill", kind === "clear" ? "none" : "rgba(245,158,11,0.18)");
    shape.setAttribute("stroke", kind === "clear" ? "#334155" : "#b45309");
    shape.setAttribute("stroke-width", kind === "clear" ? "2" : "1.8");
    svg.appendChild(shape);
    return svg;
  }
  var DrawControl = L.Control.extend({
    options: { position: "topleft" },
    onAdd: function () {
      var box = el("div", "leaflet-bar eco-draw");
      [["polygon", "Dessiner une zone : cliquez ses sommets (double-clic pour fermer)", drawPolygon],
       ["circle", "Tracer un cercle : appuyez au centre et faites glisser", drawCircle],
       ["clear", "Effacer la zone du filtre", function () {
         showArea(null);
         eco.callBridge("areaCleared");
       }]].forEach(function (spec) {
        var link = el("a", "eco-draw-" + spec[0]);
        link.href = "#";
        link.title = spec[1];
        link.setAttribute("role", "button");
        link.setAttribute("aria-label", spec[1]);
        link.appendChild(icon(spec[0]));
        L.DomEvent.on(link, "click", function (e) {
          L.DomEvent.preventDefault(e);
          if (tool === spec[0]) end();
          else spec[2]();
        });
        buttons[spec[0]] = link;
        box.appendChild(link);
      });
      L.DomEvent.disableClickPropagation(box);
      return box;
    }
  });
  function refreshButtons() {
    if (!buttons.clear) return;
    buttons.polygon.classList.toggle("eco-active", tool === "polygon");
    buttons.circle.classList.toggle("eco-active", tool === "circle");
    buttons.clear.style.display = shownArea ? "" : "none";
  }
  new DrawControl().addTo(map);
  refreshButtons();

  // ---- the print layout: a header (title, criteria, date), a footer (sources) ----
  function preparePrint(page) {
    end();
    // What the page showed (the actors' extent, or the area), framed again below the header.
    var frame = shownArea ? areaLayer.getBounds() : map.getBounds();
    container.classList.add("eco-print");
    map.closePopup();
    var header = el("div", "eco-print-header");
    header.appendChild(el("div", "eco-print-title", page.title || ""));
    (page.lines || []).forEach(function (line) { header.appendChild(el("div", "eco-print-line", line)); });
    container.appendChild(header);
    var footer = el("div", "eco-print-footer");
    (page.footer || []).forEach(function (line) { footer.appendChild(el("div", null, line)); });
    container.appendChild(footer);
    Array.prototype.forEach.call(container.querySelectorAll(".eco-legend.eco-folded"), function (box) {
      box.classList.remove("eco-folded");
    });
    map.invalidateSize({ animate: false });
    var legend = container.querySelector(".eco-legend");
    map.fitBounds(frame, { paddingTopLeft: [16, header.offsetHeight + 12],
                           paddingBottomRight: [16 + (legend ? legend.offsetWidth : 0), footer.offsetHeight + 12],
                           animate: false });
    return true;
  }

  window.ecoTools = {
    drawPolygon: drawPolygon,
    drawCircle: drawCircle,
    showArea: showArea,
    area: function () { return shownArea; },
    setMoving: setMoving,
    startPlacing: startPlacing,
    cancel: function () { if (tool !== "move") end(); return tool; },
    tool: function () { return tool; },
    clearGhost: clearGhost,
    preparePrint: preparePrint,
    // For tests: a point of the map (lat, lon) on screen, as markerPoint gives a marker's.
    screenPoint: function (lat, lon) {
      var p = map.latLngToContainerPoint([lat, lon]), r = container.getBoundingClientRect();
      return [p.x + r.left, p.y + r.top];
    }
  };
})();
