// The scoring page, for the browser: a live total and range messages while the judge types, a
// confirmation before the locking submit (and before a recusal), and a zoom dialog for images.
// Only a convenience: the server checks every score again (judging.services.scoring).
(function () {
  "use strict";
  const lang = document.documentElement.lang || "ko";
  const T = lang.startsWith("en")
    ? { number: "Enter a number.", range: "Between 0 and {max} points.", half: "Use whole or half points." }
    : { number: "숫자를 입력하세요.", range: "0점에서 {max}점 사이로 입력하세요.", half: "1점 또는 0.5점 단위로 입력하세요." };

  function format(n) {
    return String(Math.round(n * 100) / 100);
  }

  // The problem with one score, or "" if it is fine (an empty score is fine in a draft).
  function problem(input) {
    if (input.validity && input.validity.badInput) return T.number;
    const raw = input.value.trim();
    if (raw === "") return "";
    const value = Number(raw);
    const max = Number(input.dataset.max);
    if (!Number.isFinite(value)) return T.number;
    if (value < 0 || value > max) return T.range.replace("{max}", max);
    if (Math.round(value * 2) !== value * 2) return T.half;
    return "";
  }

  const form = document.querySelector("form[data-scoring]");
  const summary = document.getElementById("error-summary");
  if (summary) summary.focus();  // a refused save: the list of problems is read first
  if (form) {
    const inputs = Array.from(form.querySelectorAll("input[data-max]"));
    const total = document.getElementById("live-total");
    const update = (changed) => {
      let sum = 0;
      inputs.forEach((input) => {
        const message = problem(input);
        if (input === changed) {
          document.getElementById(input.id + "-live").textContent = message;
          input.setAttribute("aria-invalid", message ? "true" : "false");
        }
        if (!message && input.value.trim() !== "") sum += Number(input.value);
      });
      total.textContent = format(sum);
    };
    inputs.forEach((input) => input.addEventListener("input", () => {
      const stale = document.getElementById(input.id + "-error");  // the server's last word
      if (stale) stale.hidden = true;
      update(input);
    }));
    update(null);
    form.querySelectorAll("button[data-confirm]").forEach((button) => button.addEventListener("click", (event) => {
      if (!window.confirm(button.dataset.confirm)) event.preventDefault();
    }));
  }

  // form[data-confirm] (the recusal) is handled by confirm.js, loaded on every page.

  // Images open in a modal <dialog> (Esc or the button closes it); without JS the link opens
  // the image in a new tab.
  document.querySelectorAll("a[data-zoom]").forEach((link) => link.addEventListener("click", (event) => {
    const dialog = document.getElementById(link.dataset.zoom);
    if (!dialog || typeof dialog.showModal !== "function") return;
    event.preventDefault();
    dialog.showModal();
  }));
  document.querySelectorAll("dialog.zoom").forEach((dialog) => dialog.addEventListener("click", (event) => {
    if (event.target === dialog) dialog.close();  // a click on the backdrop
  }));
})();
