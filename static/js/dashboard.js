// The dashboard's trend chart: one line per unit, dashed lines for the predicates' minimum total.
// Data comes from the page (json_script), so this file has no inline part and obeys the CSP.
(function () {
  "use strict";
  function draw() {
    var canvas = document.getElementById("trend-chart");
    var source = document.getElementById("trend-data");
    if (!canvas || !source || typeof Chart === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    // Units take the palette in turn; the predicates' minimum lines have colours of their own,
    // outside the palette, so neither can be mistaken for a unit or for each other.
    var palette = ["#0d6efd", "#dc3545", "#198754", "#6f42c1", "#fd7e14", "#20c997", "#d63384", "#0dcaf0",
      "#6c757d", "#ffc107"];
    var minimumColours = { WBK: "#8a5300", WBBM: "#0b4f6c" };
    var datasets = data.datasets.map(function (ds, i) {
      var colour = palette[i % palette.length];
      return { label: ds.label, data: ds.data, spanGaps: true, tension: 0.2, pointRadius: 4,
        borderColor: colour, backgroundColor: colour };
    });
    Object.keys(data.thresholds).forEach(function (pred) {
      var colour = minimumColours[pred] || "#212529";
      datasets.push({
        minimumOf: pred,  // marks the line as a predicate's minimum (read by the browser test)
        label: (data.threshold_labels && data.threshold_labels[pred]) || pred,
        data: data.labels.map(function () { return data.thresholds[pred]; }),
        borderColor: colour, backgroundColor: colour,
        borderDash: pred === "WBBM" ? [10, 4] : [4, 4], borderWidth: 2, pointStyle: "line",
        // a single year: a short mark instead of a line
        pointRadius: data.labels.length === 1 ? 12 : 0
      });
    });
    canvas.dataset.ready = "1";
    new Chart(canvas, {
      type: "line",
      data: { labels: data.labels, datasets: datasets },
      options: {
        animation: false,
        scales: {
          x: { offset: true },
          y: { suggestedMin: 0, suggestedMax: 100, title: { display: true, text: data.y_title || "" } }
        },
        plugins: { legend: { position: "bottom", labels: { boxWidth: 12 } } },
        locale: "id-ID"
      }
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
