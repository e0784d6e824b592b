// Draw every plotly figure on the page from its JSON block (no inline scripts: CSP).

// On a phone a chart is ~330px wide: names on a category axis (already cut to 24
// characters, whole in the hover) are cut again so the bars keep most of the width.
const NARROW_CHART = 480;
const NARROW_TICK_CHARACTERS = 14;

function fitNarrow(layout) {
  ["xaxis", "yaxis"].forEach((name) => {
    const axis = layout[name];
    if (!axis || !Array.isArray(axis.ticktext)) return;
    axis.ticktext = axis.ticktext.map((text) =>
      text.length > NARROW_TICK_CHARACTERS
        ? `${text.slice(0, NARROW_TICK_CHARACTERS - 1).trimEnd()}…`
        : text,
    );
  });
}

document.querySelectorAll("[data-plotly]").forEach((element) => {
  const source = document.getElementById(element.dataset.plotly);
  if (!source || !window.Plotly) return;
  const figure = JSON.parse(source.textContent);
  if (element.clientWidth < NARROW_CHART) fitNarrow(figure.layout);
  window.Plotly.newPlot(element, figure.data, figure.layout, {
    responsive: true,
    displaylogo: false,
    modeBarButtonsToRemove: ["lasso2d", "select2d"],
  }).then(() => element.setAttribute("data-rendered", "true"));
});
