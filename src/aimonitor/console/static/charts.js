// Time series charts (uPlot, vendored under vendor/ with its licence).

const PALETTE = ["#2563eb", "#dc2626", "#059669", "#d97706", "#7c3aed", "#0891b2"];

// `series` is {t: [unix seconds], values: {name: [..]}}; `lines` is [[name, label], ...].
// Optional `thresholds`: [[value, label], ...] drawn as dashed horizontal lines; `key`
// names the chart (data-chart) for tests and styles; `dates` labels the time axis with
// days rather than hours.
export function lineChart(title, series, lines, options = {}) {
  const figure = document.createElement("figure");
  figure.className = "chart";
  if (options.key) figure.dataset.chart = options.key;
  const caption = document.createElement("figcaption");
  caption.textContent = title;
  figure.append(caption);
  const data = [series.t, ...lines.map(([name]) => series.values[name].map(nullIfMissing))];
  const uSeries = [
    {},
    ...lines.map(([, label], i) => ({
      label,
      stroke: PALETTE[i % PALETTE.length],
      width: 2,
      spanGaps: false,
      // Dots where values are few, or a lone minute with data would draw nothing.
      points: {
        show: data[i + 1].filter((v) => v !== null).length < 120,
        size: 6,
        fill: PALETTE[i % PALETTE.length],
      },
    })),
  ];
  for (const [value, label] of options.thresholds || []) {
    data.push(series.t.map(() => value));
    uSeries.push({ label, stroke: "#6b7280", dash: [6, 4], width: 1 });
  }
  const chart = new uPlot(
    {
      width: 320,
      height: options.height || 180,
      series: uSeries,
      scales: { x: { time: true }, y: options.y || {} },
      axes: [{ values: (_, ticks) => ticks.map(options.dates ? day : clock) }, { size: 56 }],
      legend: { live: false },
    },
    data,
    figure,
  );
  // What the chart shows, for tests and assistive technology alike.
  figure.dataset.points = String(
    data.slice(1, 1 + lines.length).reduce((n, s) => n + s.filter((v) => v !== null).length, 0),
  );
  chart.root.setAttribute("role", "img");
  chart.root.setAttribute("aria-label", title);
  figure.chart = chart;
  // Size to the container once it is in the page, and again when it changes size.
  const resize = new ResizeObserver(() => {
    const width = Math.max(200, figure.clientWidth - 8);
    if (Math.abs(width - chart.width) > 2) chart.setSize({ width, height: chart.height });
  });
  resize.observe(figure);
  figure.dispose = () => {
    resize.disconnect();
    chart.destroy();
  };
  return figure;
}

// Hours and minutes in the page's language (uPlot's own labels are English only).
function clock(seconds) {
  const options = { hour: "2-digit", minute: "2-digit" };
  return new Date(seconds * 1000).toLocaleTimeString(document.documentElement.lang, options);
}

// Day and month, for charts spanning days.
function day(seconds) {
  const options = { day: "2-digit", month: "2-digit" };
  return new Date(seconds * 1000).toLocaleDateString(document.documentElement.lang, options);
}

function nullIfMissing(value) {
  return value === undefined ? null : value;
}
