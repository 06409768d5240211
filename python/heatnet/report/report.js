// heatnet design report: sortable tables and the map quantity selector (no dependencies).
"use strict";
(function () {
  function sortKey(cell) {
    const v = cell.getAttribute("data-v");
    return v === null ? null : parseFloat(v);
  }
  // Numbers by value, text naturally ("C2" before "C10"); cells without a value go last.
  function compare(a, b, col) {
    const x = a.cells[col], y = b.cells[col];
    const kx = sortKey(x), ky = sortKey(y);
    if (kx !== null && ky !== null) return kx - ky;
    if (kx !== null) return -1;
    if (ky !== null) return 1;
    return x.textContent.localeCompare(y.textContent, undefined, { numeric: true });
  }
  function sortTable(table, th, col) {
    const ascending = th.getAttribute("aria-sort") !== "ascending";
    table.querySelectorAll("thead th").forEach(function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    const body = table.tBodies[0];
    const rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) { return ascending ? compare(a, b, col) : compare(b, a, col); });
    body.append.apply(body, rows);
  }
  document.querySelectorAll("table.sortable").forEach(function (table) {
    table.querySelectorAll("thead th").forEach(function (th, col) {
      th.tabIndex = 0;
      th.addEventListener("click", function () { sortTable(table, th, col); });
      th.addEventListener("keydown", function (e) {
        if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sortTable(table, th, col); }
      });
    });
  });
  // One map visible at a time; the buttons name the figure they show in data-map.
  document.querySelectorAll(".map-select").forEach(function (group) {
    const buttons = group.querySelectorAll("button");
    buttons.forEach(function (button) {
      button.addEventListener("click", function () {
        buttons.forEach(function (b) {
          const on = b === button;
          b.setAttribute("aria-pressed", on ? "true" : "false");
          document.getElementById(b.getAttribute("data-map")).hidden = !on;
        });
      });
    });
  });
})();
