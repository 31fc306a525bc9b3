// The dashboard's trend chart: one line per unit, dashed lines for the predicates' minimum total.
// Data comes from the page (json_script), so this file has no inline part and obeys the CSP.
(function () {
  "use strict";
  function draw() {
    var canvas = document.getElementById("trend-chart");
    var source = document.getElementById("trend-data");
    if (!canvas || !source || typeof Chart === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    var datasets = data.datasets.map(function (ds) {
      return { label: ds.label, data: ds.data, spanGaps: true, tension: 0.2, pointRadius: 3 };
    });
    Object.keys(data.thresholds).forEach(function (pred) {
      datasets.push({
        label: "Minimum " + pred, data: data.labels.map(function () { return data.thresholds[pred]; }),
        borderDash: [6, 4], pointRadius: 0, borderWidth: 1, borderColor: pred === "WBBM" ? "#198754" : "#fd7e14"
      });
    });
    canvas.dataset.ready = "1";
    new Chart(canvas, {
      type: "line",
      data: { labels: data.labels, datasets: datasets },
      options: {
        animation: false,
        scales: { y: { suggestedMin: 40, suggestedMax: 100, title: { display: true, text: "Nilai total" } } },
        plugins: { legend: { position: "bottom", labels: { boxWidth: 12 } } },
        locale: "id-ID"
      }
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
