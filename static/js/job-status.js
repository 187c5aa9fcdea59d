// Polls a background job's status (GET /api/v1/jobs/{id}/) until it is done or failed.
// No inline script: the page carries the URL in data-job-url (Content-Security-Policy).
(function () {
  "use strict";
  var box = document.getElementById("job-status");
  if (!box) return;
  var url = box.getAttribute("data-job-url");
  var field = function (name) { return box.querySelector('[data-job-field="' + name + '"]'); };
  var delay = 1000;

  function show(job) {
    field("status").textContent = job.status;
    var bar = field("progress");
    bar.value = job.progress;
    bar.textContent = job.progress + "%";
    var error = field("error");
    error.textContent = job.error || "";
    error.hidden = !job.error;
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (job) {
        show(job);
        if (job.status === "queued" || job.status === "running") {
          setTimeout(poll, delay);
        }
      })
      .catch(function () {
        delay = Math.min(delay * 2, 30000); // back off while the server is unreachable
        setTimeout(poll, delay);
      });
  }

  poll();
})();
