// The drive's upload form: several files, one request each, a progress bar per file, drag and drop.
// Without this file the form still sends one file.
(function () {
  "use strict";
  if (window.colophonDrive) { return; }
  window.colophonDrive = true;

  function csrfToken(form) {
    var field = form.querySelector('input[name="csrfmiddlewaretoken"]');
    return field ? field.value : "";
  }

  function row(list, file) {
    var item = document.createElement("li");
    var name = document.createElement("span");
    name.textContent = file.name;
    var state = document.createElement("span");
    state.setAttribute("data-state", "");
    var bar = document.createElement("progress");
    bar.max = 100;
    bar.value = 0;
    bar.setAttribute("aria-label", file.name);
    item.appendChild(name);
    item.appendChild(state);
    item.appendChild(bar);
    list.appendChild(item);
    return { item: item, state: state, bar: bar };
  }

  function sendOne(form, file, view) {
    return new Promise(function (resolve) {
      var max = parseInt(form.getAttribute("data-max-bytes"), 10);
      if (!isNaN(max) && file.size > max) {
        view.state.textContent = form.getAttribute("data-too-large");
        view.state.className = "is-error";
        resolve(false);
        return;
      }
      var data = new FormData();
      data.append("csrfmiddlewaretoken", csrfToken(form));
      data.append("file", file, file.name);
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
      xhr.setRequestHeader("X-CSRFToken", csrfToken(form));
      xhr.upload.addEventListener("progress", function (event) {
        if (event.lengthComputable) {
          var percent = Math.round((event.loaded / event.total) * 100);
          view.bar.value = percent;
          view.state.textContent = percent + " %";
        }
      });
      xhr.addEventListener("load", function () {
        var answer = {};
        try { answer = JSON.parse(xhr.responseText); } catch (error) { answer = {}; }
        var ok = xhr.status >= 200 && xhr.status < 300 && answer.ok;
        view.bar.value = ok ? 100 : view.bar.value;
        view.state.textContent = answer.message || form.getAttribute("data-failed");
        view.state.className = ok ? "" : "is-error";
        resolve(ok);
      });
      xhr.addEventListener("error", function () {
        view.state.textContent = form.getAttribute("data-failed");
        view.state.className = "is-error";
        resolve(false);
      });
      xhr.send(data);
    });
  }

  function sendAll(form, files) {
    var list = form.querySelector("[data-drive-progress]");
    list.innerHTML = "";
    var button = form.querySelector('button[type="submit"]');
    if (button) { button.disabled = true; }
    var views = Array.prototype.map.call(files, function (file) { return row(list, file); });
    var chain = Promise.resolve(true);
    var allOk = true;
    Array.prototype.forEach.call(files, function (file, index) {
      chain = chain.then(function () {
        return sendOne(form, file, views[index]).then(function (ok) { allOk = allOk && ok; });
      });
    });
    chain.then(function () {
      if (button) { button.disabled = false; }
      if (allOk) { window.location.reload(); }
    });
  }

  function enhance(form) {
    var input = form.querySelector('input[type="file"]');
    form.addEventListener("submit", function (event) {
      if (!input.files || !input.files.length) { return; }
      event.preventDefault();
      sendAll(form, input.files);
    });
    var hint = form.querySelector("[data-drive-drop-hint]");
    if (hint) { hint.hidden = false; }
    form.addEventListener("dragover", function (event) { event.preventDefault(); form.classList.add("is-dragging"); });
    form.addEventListener("dragleave", function () { form.classList.remove("is-dragging"); });
    form.addEventListener("drop", function (event) {
      event.preventDefault();
      form.classList.remove("is-dragging");
      if (event.dataTransfer && event.dataTransfer.files.length) { sendAll(form, event.dataTransfer.files); }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-drive-upload]").forEach(enhance);
  });
}());
