/* Background job progress (packs/job_group.html, packs/job_progress.html), polled from each
   job's data-status-url; no inline scripts (the Content-Security-Policy allows scripts from
   our own static files only). Without JavaScript a refresh shows the same state.
   - .app-job: update the bar, the state tag and the message; when done show the download
     link, when failed show the reason and the Retry button.
   - .app-jobs: one sentence for the group ("Generating 2 packs", "2 packs ready"), in a
     role="status" region, and a polite live region that announces progress now and then.
   - [data-app-job-refresh] regions (each with an id): once every job of the group is over
     and one finished while the page was open, the page is fetched again and each region
     replaced by its new version (e.g. the meeting's "Packs issued" table and the agenda's
     page numbers), so the new downloads appear without a reload. A replaced region gets
     data-refreshed="1". */
(function () {
  "use strict";
  var ANNOUNCE_EVERY_MS = 8000;

  function watch(url, onStatus) {
    function poll() {
      fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
        .then(function (s) { if (onStatus(s)) { setTimeout(poll, 1000); } })
        .catch(function () { setTimeout(poll, 5000); });
    }
    poll();
  }

  function count(n, noun, plural) { return n + " " + (n === 1 ? noun : plural); }

  /* Keep in step with governance/packs/templatetags/job_tags.py::summary. */
  function summary(statuses, noun, plural) {
    var total = statuses.length, done = 0, failed = 0;
    statuses.forEach(function (s) { if (s === "done") { done++; } else if (s === "failed") { failed++; } });
    if (done + failed < total) { return "Generating " + count(total, noun, plural); }
    if (!failed) { return count(done, noun, plural) + " ready"; }
    if (!done) { return count(failed, noun, plural) + " failed"; }
    return count(done, noun, plural) + " ready, " + failed + " failed";
  }

  var STATE = {queued: "Waiting", running: "Generating", done: "Ready", failed: "Failed"};
  var TAG = {queued: "nhsuk-tag--blue", running: "nhsuk-tag--blue", done: "nhsuk-tag--green", failed: "nhsuk-tag--red"};

  function render(job, s) {
    var bar = job.querySelector(".app-job__bar"), text = job.querySelector(".app-job__message"),
        tag = job.querySelector(".app-job__state"), result = job.querySelector(".app-job__result"),
        link = job.querySelector(".app-job__link"), retry = job.querySelector(".app-job__retry");
    job.dataset.status = s.status;
    if (bar) { bar.value = s.progress; bar.textContent = s.progress + "%"; bar.hidden = s.status === "failed"; }
    if (tag) {
      tag.textContent = STATE[s.status] || s.status;
      tag.className = "app-job__state nhsuk-tag " + (TAG[s.status] || "");
    }
    if (s.status === "failed") {
      text.textContent = "It failed: " + (s.message || "no reason was given");
    } else if (s.status === "done") {
      text.textContent = "Finished" + (s.result_pages ? ": " + s.result_pages + " page" + (s.result_pages === 1 ? "" : "s") : "") + ".";
    } else {
      text.textContent = (s.message || "Waiting to start") + " (" + s.progress + "%)";
    }
    if (result && link) {
      if (s.status === "done" && s.result_url) { link.href = s.result_url; result.hidden = false; } else { result.hidden = true; }
    }
    if (retry) { retry.hidden = s.status !== "failed"; }
  }

  /* Fetch this page again and swap in the new version of each refresh region. */
  function refreshRegions() {
    var regions = document.querySelectorAll("[data-app-job-refresh][id]");
    if (!regions.length || !window.DOMParser) { return; }
    fetch(window.location.href, {credentials: "same-origin", headers: {"Accept": "text/html"}})
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html");
        Array.prototype.forEach.call(regions, function (old) {
          var region = fresh.getElementById(old.id);
          if (!region) { return; }
          region = document.importNode(region, true);
          region.setAttribute("data-refreshed", "1");
          old.parentNode.replaceChild(region, old);
        });
      })
      .catch(function () { /* the downloads are linked above; a reload shows the rest */ });
  }

  function startGroup(group) {
    if (group.dataset.started) { return; }
    group.dataset.started = "1";
    var noun = group.dataset.noun || "pack", plural = group.dataset.plural || "packs";
    var head = group.querySelector(".app-jobs__summary"), live = group.querySelector(".app-jobs__live");
    var jobs = Array.prototype.slice.call(group.querySelectorAll(".app-job[data-status-url]"));
    var lastAnnounced = 0, refreshed = false, finishedHere = false;
    function update() {
      var statuses = jobs.map(function (j) { return j.dataset.status; });
      var sentence = summary(statuses, noun, plural);
      if (head && head.textContent !== sentence) { head.textContent = sentence; }
      var over = statuses.every(function (s) { return s === "done" || s === "failed"; });
      if (over && finishedHere && !refreshed) { refreshed = true; refreshRegions(); }
    }
    function announce(job, s) {
      var now = Date.now();
      if (!live || s.status === "done" || s.status === "failed" || now - lastAnnounced < ANNOUNCE_EVERY_MS) { return; }
      lastAnnounced = now;
      live.textContent = job.dataset.label + ": " + s.progress + "%";
    }
    jobs.forEach(function (job) {
      if (job.dataset.status === "done") { return; }
      watch(job.dataset.statusUrl, function (s) {
        if (s.status === "done") { finishedHere = true; }
        render(job, s);
        announce(job, s);
        update();
        return s.status !== "done" && s.status !== "failed";
      });
    });
  }

  function start() {
    document.querySelectorAll(".app-jobs").forEach(startGroup);
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
