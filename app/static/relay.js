// Relay's own script: the Content-Security-Policy allows no inline script, handler or style.
"use strict";

// Bars carry their width as data; set it here (CSSOM, allowed by the policy).
function sizeBars(root) {
  root.querySelectorAll("[data-width]").forEach((el) => { el.style.width = el.dataset.width + "%"; });
}
sizeBars(document);

// Forms with data-confirm ask before they submit (the delete buttons), including forms swapped in later.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) event.preventDefault();
});

// An open SEV1/SEV2 shows how long it has been open, ticking here: 3h 12m 05s.
function runningText(since) {
  const seconds = Math.max(0, Math.floor((Date.now() - since) / 1000));
  const d = Math.floor(seconds / 86400), h = Math.floor(seconds / 3600) % 24;
  const m = Math.floor(seconds / 60) % 60, s = seconds % 60;
  const pad = (n) => String(n).padStart(2, "0");
  return (d ? d + "d " : "") + (d || h ? h + "h " : "") + pad(m) + "m " + pad(s) + "s";
}
function tick() {
  document.querySelectorAll("[data-since]").forEach((el) => {
    const since = Date.parse(el.dataset.since);
    const text = el.querySelector("[data-running-text]");
    if (text && !Number.isNaN(since)) text.textContent = runningText(since);
  });
}
tick();
window.setInterval(tick, 1000);

// Live pages. A hidden [data-live] element polls its fragment (htmx, hx-trigger="every Ns"),
// sending the ETag of what the page shows; the server answers 304 when nothing changed, or the
// changed parts, which replace their twins by id (hx-swap-oob). Forms are never swapped, so
// nothing typed is lost; instead a form's [data-stale-notice] says the record changed.
if (window.htmx) {
  document.body.addEventListener("htmx:configRequest", (event) => {
    const etag = event.detail.elt.dataset && event.detail.elt.dataset.etag;
    if (etag) event.detail.headers["If-None-Match"] = '"' + etag + '"';
  });
  // A tab in the background does not poll; it catches up as soon as it is shown again.
  document.body.addEventListener("htmx:beforeRequest", (event) => {
    if (document.hidden && event.detail.elt.hasAttribute("data-live")) event.preventDefault();
  });
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden) document.querySelectorAll("[data-live]").forEach((el) => window.htmx.trigger(el, "live:poll"));
  });
  document.body.addEventListener("htmx:afterRequest", (event) => {
    const el = event.detail.elt, xhr = event.detail.xhr;
    if (!el.hasAttribute("data-live") || !xhr || xhr.status !== 200) return;
    const etag = (xhr.getResponseHeader("ETag") || "").replace(/^W\//, "").replace(/"/g, "");
    if (!etag || etag === el.dataset.etag) return;
    el.dataset.etag = etag;
    document.querySelectorAll("[data-stale-notice]").forEach((notice) => notice.classList.remove("d-none"));
  });
  document.body.addEventListener("htmx:load", (event) => { sizeBars(event.detail.elt); tick(); });
  document.body.addEventListener("htmx:oobAfterSwap", (event) => { sizeBars(event.detail.target || document); tick(); });
}
