// Draw every plotly figure on the page from its JSON block (no inline scripts: CSP).
document.querySelectorAll("[data-plotly]").forEach((element) => {
  const source = document.getElementById(element.dataset.plotly);
  if (!source || !window.Plotly) return;
  const figure = JSON.parse(source.textContent);
  window.Plotly.newPlot(element, figure.data, figure.layout, {
    responsive: true,
    displaylogo: false,
    modeBarButtonsToRemove: ["lasso2d", "select2d"],
  }).then(() => element.setAttribute("data-rendered", "true"));
});
