// Follows a background job (contacts import, backup) on its admin page: polls the small JSON
// status endpoint, moves the progress bar, and reloads the page once the job has finished.
(function () {
  "use strict";
  var box = document.querySelector("[data-job-status-url]");
  if (!box) {
    return;
  }
  var url = box.getAttribute("data-job-status-url");
  var bar = box.querySelector("progress");
  var text = box.querySelector("[data-job-progress-text]");
  var template = text ? text.getAttribute("data-template") : null;
  var delay = 1000;

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response.json();
      })
      .then(function (status) {
        if (bar) {
          bar.value = status.percent;
          bar.textContent = status.percent + " %";
        }
        if (text && status.status === "running") {
          text.textContent = (template || "%s %").replace("%s", status.percent);
        }
        if (status.finished) {
          window.location.reload();
          return;
        }
        delay = 1000;
        window.setTimeout(poll, delay);
      })
      .catch(function () {
        delay = Math.min(delay * 2, 15000);
        window.setTimeout(poll, delay);
      });
  }

  window.setTimeout(poll, delay);
})();
