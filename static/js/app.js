// Small progressive enhancements; every page works without them.
document.querySelectorAll("select[data-autosubmit]").forEach((select) => {
  select.addEventListener("change", () => select.form.submit());
});

// Live progress of an import run: poll until it finishes, then reload for the report.
const runStatus = document.getElementById("run-status");
if (runStatus && !runStatus.dataset.finished) {
  const bar = runStatus.querySelector("[data-bar]");
  const stage = runStatus.querySelector("[data-stage]");
  const poll = async () => {
    const response = await fetch(runStatus.dataset.progressUrl, { credentials: "same-origin" });
    const data = await response.json();
    if (data.finished) { window.location.reload(); return; }
    if (data.progress && data.progress.stage) {
      stage.textContent = `${data.progress.stage}: ${data.progress.rows.toLocaleString()} rows (${data.progress.seconds}s)`;
      bar.removeAttribute("value");
    }
    setTimeout(poll, 1000);
  };
  poll();
}
