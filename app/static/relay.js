// Relay's only script: the Content-Security-Policy allows no inline script, handler or style.
"use strict";

// Bars and chart columns carry their size as data; set it here (CSSOM, allowed by the policy).
document.querySelectorAll("[data-width]").forEach((el) => { el.style.width = el.dataset.width + "%"; });
document.querySelectorAll("[data-height]").forEach((el) => { el.style.height = el.dataset.height + "%"; });

// Forms with data-confirm ask before they submit (the delete buttons).
document.querySelectorAll("form[data-confirm]").forEach((form) => {
  form.addEventListener("submit", (event) => {
    if (!window.confirm(form.dataset.confirm)) event.preventDefault();
  });
});
