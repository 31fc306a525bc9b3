// The dashboard's trend chart: one line per unit, dashed lines for the predicates' minimum total.
// Data comes from the page (json_script), so this file has no inline part and obeys the CSP.
(function () {
  "use strict";
  function draw() {
    var canvas = document.getElementById("trend-chart");
    var source = document.getElementById("trend-data");
    if (!canvas || !source || typeof Chart === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    var palette = ["#0d6efd", "#dc3545", "#198754", "#6f42c1", "#fd7e14", "#20c997", "#d63384", "#0dcaf0",
      "#6c757d", "#ffc107"];
    var datasets = data.datasets.map(function (ds, i) {
      var colour = palette[i % palette.length];
      return { label: ds.label, data: ds.data, spanGaps: true, tension: 0.2, pointRadius: 4,
        borderColor: colour, backgroundColor: colour };
    });
    Object.keys(data.thresholds).forEach(function (pred) {
      datasets.push({
        label: "Minimum " + pred, data: data.labels.map(function () { return data.thresholds[pred]; }),
        borderDash: [6, 4], borderWidth: 1, pointStyle: "line",
        pointRadius: data.labels.length === 1 ? 12 : 0,  // a single year: a short mark instead of a line borderColor: pred === "WBBM" ? "#198754" : "#fd7e14"
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
          y: { suggestedMin: 0, suggestedMax: 100, title: { display: true, text: "Nilai total" } }
        },
        plugins: { legend: { position: "bottom", labels: { boxWidth: 12 } } },
        locale: "id-ID"
      }
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
