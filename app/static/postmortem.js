// The postmortem page: "Print / PDF" opens the browser's print dialog (the print stylesheet is in relay.css).
"use strict";

document.querySelectorAll("[data-print]").forEach((button) => {
  button.addEventListener("click", () => window.print());
});
