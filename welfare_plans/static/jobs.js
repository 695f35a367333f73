// Keeps a job page current without reloading it: polls the job's status and moves the progress bar.
// When the job ends, the page reloads once to show its documents or its retry button.
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box || !/^(queued|running)$/.test(box.dataset.status)) { return; }
  var bar = document.getElementById("job-progress");
  var count = document.getElementById("job-count");
  function show(state) {
    box.querySelectorAll("[data-when]").forEach(function (el) { el.hidden = el.dataset.when !== state; });
  }
  function poll() {
    fetch(box.dataset.statusUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (job) {
        bar.value = job.percent;
        bar.textContent = job.percent + "%";
        if (count) { count.textContent = job.progress; }
        show(job.status);
        if (job.status === "done" || job.status === "failed") { window.location.reload(); }
        else { window.setTimeout(poll, 1000); }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 500);
})();
