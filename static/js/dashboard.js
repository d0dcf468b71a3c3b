/* Draws the dashboard charts from the JSON the page embeds (#chart-data); every figure is also
   in a table on the page, so the charts are an aid, not the only way to read them. */
(function () {
  "use strict";
  var holder = document.getElementById("chart-data");
  if (!holder || !window.echarts) { return; }
  var data = JSON.parse(holder.textContent);
  var charts = [];
  var COLORS = { met: "#1e7b34", not_met: "#b42318", missing: "#9ca3af", pending: "#c27a00", not_applicable: "#d5dae0" };
  var base = { aria: { enabled: true, decal: { show: true } }, animation: false, textStyle: { fontFamily: "inherit" } };

  function make(id, option) {
    var el = document.getElementById(id);
    if (!el) { return null; }
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption(Object.assign({}, base, option));
    charts.push(chart);
    return chart;
  }

  if (data.gauge && data.gauge.value !== null && data.gauge.value !== undefined) {
    make("chart-gauge", {
      series: [{
        type: "gauge", min: 0, max: 100, startAngle: 200, endAngle: -20, radius: "100%", center: ["50%", "62%"],
        progress: { show: true, width: 14, itemStyle: { color: data.gauge.value >= data.gauge.required ? COLORS.met : COLORS.not_met } },
        axisLine: { lineStyle: { width: 14, color: [[data.gauge.required / 100, "#e5e7eb"], [1, "#cfe8d6"]] } },
        axisTick: { show: false }, splitLine: { show: false },
        axisLabel: { distance: -34, fontSize: 10, formatter: function (v) { return (v === 0 || v === data.gauge.required || v === 100) ? v + "%" : ""; } },
        splitNumber: 20, pointer: { show: false },
        title: { show: false },
        detail: { valueAnimation: false, fontSize: 22, offsetCenter: [0, "10%"], formatter: "{value}%" },
        data: [{ value: data.gauge.value, name: data.gauge.label }]
      }]
    });
    fitGauge();
  }

  /* The gauge's figure and scale labels follow its size: on paper (A4) the arc is small, so the
     figure shrinks to stay inside the arc and the scale labels (the card's text says the
     required share) are left out rather than drawn over the arc. */
  function fitGauge() {
    var el = document.getElementById("chart-gauge");
    var chart = el && window.echarts.getInstanceByDom(el);
    if (!chart) { return; }
    var radius = Math.min(el.clientWidth, el.clientHeight) / 2;
    var inner = radius - 14;
    chart.setOption({ series: [{
      axisLabel: { show: radius >= 60 },
      detail: { fontSize: Math.max(8, Math.min(22, Math.floor(inner * 0.55))) }
    }] });
  }

  if (data.domains) {
    make("chart-domains", {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: data.domains.categories, inverse: true },
      series: data.domains.series.map(function (s) {
        return { name: s.name, type: "bar", stack: "all", data: s.data, itemStyle: { color: COLORS[s.key] },
                 label: { show: true, formatter: function (p) { return p.value ? p.value : ""; } } };
      })
    });
  }

  /* ECharts draws a markLine only inside the y-axis, whose extent it takes from the series
     alone: a threshold far from the values fell off the chart. The axis takes in the threshold
     with a twentieth of the span as room, so that its line is not drawn over the x-axis (and a
     threshold that is not negative never makes the axis go below 0). */
  function thresholdExtent(c) {
    var t = c.threshold;
    if (t === null || t === undefined) { return {}; }
    var figures = [t].concat(c.values, c.targets, c.projection || []).filter(function (v) {
      return typeof v === "number" && isFinite(v);
    });
    var room = (Math.max.apply(null, figures) - Math.min.apply(null, figures)) / 20;
    return { dataMin: t >= 0 ? Math.max(0, t - room) : t - room, dataMax: t + room };
  }

  (data.series || []).forEach(function (c) {
    var markLine = c.threshold === null || c.threshold === undefined ? undefined : {
      symbol: "none", lineStyle: { type: "dashed", color: COLORS.not_met },
      label: { formatter: c.thresholdLabel || String(c.threshold) }, data: [{ yAxis: c.threshold }]
    };
    make(c.id, {
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 8, right: 60, top: 36, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: c.years },
      yAxis: Object.assign({ type: "value", name: c.unit, scale: true }, thresholdExtent(c)),
      series: [
        { name: c.labels.value, type: "line", data: c.values, connectNulls: false, symbolSize: 9,
          label: { show: true }, markLine: markLine, itemStyle: { color: "#0b5cad" } },
        { name: c.labels.target, type: "line", data: c.targets, lineStyle: { type: "dotted" }, itemStyle: { color: COLORS.pending } }
      ].concat(c.projection ? [
        { name: c.labels.projection, type: "line", data: c.projection, connectNulls: false, symbol: "emptyCircle",
          lineStyle: { type: "dashed" }, itemStyle: { color: "#0b5cad" } }
      ] : [])
    });
  });

  if (data.compare) {
    make("chart-compare", {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: data.compare.regions },
      yAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
      series: [
        { name: data.compare.labels.binding, type: "bar", data: data.compare.binding, itemStyle: { color: "#0b5cad" } },
        { name: data.compare.labels.reference, type: "bar", data: data.compare.ratios, itemStyle: { color: COLORS.met },
          markLine: { symbol: "none", lineStyle: { type: "dashed", color: COLORS.not_met },
                      label: { position: "insideEndTop", formatter: data.compare.labels.required + " " + data.compare.required + "%" },
                      data: [{ yAxis: data.compare.required }] } }
      ]
    });
  }

  function resize() { charts.forEach(function (c) { c.resize(); }); fitGauge(); }
  window.addEventListener("resize", resize);
  window.addEventListener("beforeprint", resize);
  window.addEventListener("afterprint", resize);
  var printMedia = window.matchMedia ? window.matchMedia("print") : null;
  if (printMedia && printMedia.addEventListener) { printMedia.addEventListener("change", resize); }
})();
