/* The county workbench's own script (the pages allow no inline script). Everything here only
   enhances: each page works without it. */
(function () {
  "use strict";

  /* An unattended office PC must not keep showing citizens' data: once the session's idle
     time has passed without a request, reload, and the hub answers with the sign-in page. */
  var idleTimer = null;
  function armIdle() {
    var seconds = parseInt(document.body.getAttribute("data-idle-seconds") || "0", 10);
    if (!seconds) { return; }
    clearTimeout(idleTimer);
    idleTimer = setTimeout(function () { window.location.reload(); }, (seconds + 5) * 1000);
  }

  /* The inbox's "select all on this page". */
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.matches || !box.matches("[data-check-all]")) { return; }
    box.form.querySelectorAll("input[name=case]:not(:disabled)").forEach(function (one) {
      one.checked = box.checked;
    });
  });

  /* The inbox's charts (Apache ECharts, the simple build: bars with their values as labels). */
  var charts = [];
  function drawCharts() {
    var source = document.getElementById("chart-data");
    if (!source || !window.echarts) { return; }
    var data = JSON.parse(source.textContent);
    charts.forEach(function (chart) { chart.dispose(); });
    charts = [];
    document.querySelectorAll("[data-chart]").forEach(function (element) {
      var chart = window.echarts.init(element, null, { renderer: "canvas" });
      chart.setOption(OPTIONS[element.getAttribute("data-chart")](data));
      charts.push(chart);
    });
  }
  var font = { fontFamily: "Microsoft YaHei, PingFang SC, WenQuanYi Zen Hei, sans-serif" };
  function daysOption(data) {
    var total = data.on_time.map(function (n, i) { return n + data.late[i]; });
    return {
      animation: false, textStyle: font,
      grid: { left: 32, right: 8, top: 18, bottom: 22 },
      xAxis: { type: "category", data: data.days, axisLabel: { fontSize: 10 } },
      yAxis: { type: "value", minInterval: 1, axisLabel: { fontSize: 10 } },
      series: [
        { name: "按时转报", type: "bar", stack: "all", data: data.on_time,
          itemStyle: { color: "#5b8fd0" } },
        { name: "逾期转报", type: "bar", stack: "all", data: data.late,
          itemStyle: { color: "#e39b2b" },
          label: { show: true, position: "top", fontSize: 9, color: "#616e7c",
                   formatter: function (p) { return total[p.dataIndex] || ""; } } }
      ]
    };
  }
  function stationsOption(data) {
    return {
      animation: false, textStyle: font,
      grid: { left: 8, right: 36, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1, axisLabel: { fontSize: 10 } },
      yAxis: { type: "category", data: data.stations.slice().reverse(),
               axisLabel: { fontSize: 11, width: 150, overflow: "truncate" } },
      series: [{ name: "超期未办结", type: "bar", data: data.overdue.slice().reverse(),
                 itemStyle: { color: "#c62828" },
                 label: { show: true, position: "right", fontSize: 11 } }]
    };
  }
  /* 统计台账: each level's rates (red where the rule is not met), and each day of a month. */
  function ledgerLevelsOption(data) {
    var colors = ["#5b8fd0", "#4caf80", "#9c7bd0"];
    return {
      animation: false, textStyle: font,
      legend: { top: 0, textStyle: { fontSize: 11 } },
      grid: { left: 8, right: 8, top: 26, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: data.levels,
               axisLabel: { fontSize: 10, interval: 0, width: 110, overflow: "truncate" } },
      yAxis: { type: "value", max: 100, axisLabel: { fontSize: 10 } },
      series: data.rates.map(function (rate, n) {
        return {
          name: rate.name, type: "bar", data: rate.values.map(function (value, i) {
            return { value: value,
                     itemStyle: { color: rate.met[i] === false ? "#c62828" : colors[n] } };
          }),
          label: { show: true, position: "top", fontSize: 9, color: "#616e7c" }
        };
      })
    };
  }
  function ledgerDaysOption(data) {
    var days = data.days;
    return {
      animation: false, textStyle: font,
      legend: { top: 0, textStyle: { fontSize: 11 } },
      grid: { left: 32, right: 8, top: 26, bottom: 22 },
      xAxis: { type: "category", data: days.days, axisLabel: { fontSize: 10 } },
      yAxis: { type: "value", minInterval: 1, axisLabel: { fontSize: 10 } },
      series: [
        { name: "取号", type: "bar", data: days.tickets, itemStyle: { color: "#5b8fd0" } },
        { name: "受理办件", type: "bar", data: days.cases, itemStyle: { color: "#e39b2b" } }
      ]
    };
  }
  var OPTIONS = { days: daysOption, stations: stationsOption,
                  "ledger-levels": ledgerLevelsOption, "ledger-days": ledgerDaysOption };
  window.addEventListener("resize", function () {
    charts.forEach(function (chart) { chart.resize(); });
  });

  /* 单据核验: a USB scanner types the QR's text and Enter; after the answer the scan field is
     emptied and takes the focus again, ready for the next slip. */
  document.addEventListener("htmx:after:swap", function (event) {
    armIdle();
    var form = event.target;          /* htmx 4 tells the element that sent the request */
    if (form && form.matches && form.matches("[data-scan-form]")) {
      form.elements.qr.value = "";
      form.elements.qr.focus();
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    armIdle();
    drawCharts();
  });
})();
