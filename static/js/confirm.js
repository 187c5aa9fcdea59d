// Asks before a destructive form is sent: <form data-confirm="Withdraw this entry?">.
// Lives in a file so that the Content-Security-Policy can forbid inline scripts and handlers.
"use strict";
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.dataset.confirm) return;
  if (!window.confirm(form.dataset.confirm)) event.preventDefault();
}, true);
