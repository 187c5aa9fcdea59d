// Forms and pages, for keyboard and screen-reader users. A file (not inline) for the
// Content-Security-Policy.
(function () {
  "use strict";
  const lang = document.documentElement.lang || "ko";
  const en = lang.startsWith("en");

  // When the server refused a form, move the focus to the error summary so that the list of
  // problems is read first and each link jumps to its field.
  const summary = document.getElementById("error-summary");
  if (summary && document.activeElement === document.body) summary.focus();

  // A table wider than the screen scrolls in its box: the box must be reachable by keyboard
  // (WCAG 2.1.1) and named for screen readers.
  document.querySelectorAll(".table-scroll").forEach((box) => {
    if (box.scrollWidth <= box.clientWidth + 1 || box.hasAttribute("tabindex")) return;
    const table = box.querySelector("table");
    const caption = table && table.querySelector("caption");
    let heading = box.previousElementSibling;
    while (heading && !/^H[1-6]$/.test(heading.tagName)) heading = heading.previousElementSibling;
    box.setAttribute("tabindex", "0");
    box.setAttribute("role", "region");
    box.setAttribute("aria-label", (caption || heading || { textContent: en ? "Table" : "표" }).textContent.trim());
  });

  // A live count of characters left: <textarea data-limit="1000" aria-describedby="x-count">
  // and <span id="x-count" class="counter">. Nothing is cut: the server refuses a text that
  // is too long, and the count says so before.
  document.querySelectorAll("[data-limit]").forEach((field) => {
    const out = document.getElementById(field.id + "-count");
    if (!out) return;
    const limit = Number(field.dataset.limit);
    const show = () => {
      const n = Array.from(field.value).length;
      out.textContent = en
        ? (n > limit ? `${n.toLocaleString("en")} / ${limit.toLocaleString("en")} characters: ${(n - limit).toLocaleString("en")} too many`
          : `${n.toLocaleString("en")} / ${limit.toLocaleString("en")} characters`)
        : (n > limit ? `${n.toLocaleString("ko")} / ${limit.toLocaleString("ko")}자: ${(n - limit).toLocaleString("ko")}자 넘었습니다`
          : `${n.toLocaleString("ko")} / ${limit.toLocaleString("ko")}자`);
      out.classList.toggle("over", n > limit);
    };
    field.addEventListener("input", show);
    show();
  });

  // <button data-print>: the browser's print dialog (the print style sheet keeps the receipt).
  document.querySelectorAll("[data-print]").forEach((button) => {
    button.hidden = false;
    button.addEventListener("click", () => window.print());
  });
})();

// The results' gallery: a drawing opens larger in a dialog over the page (Esc or "닫기"
// closes it and the focus returns to the tile); without JavaScript the link opens the image.
(function () {
  "use strict";
  const box = document.querySelector("dialog.lightbox");
  if (!box || typeof box.showModal !== "function") return;
  const img = box.querySelector("img");
  const caption = box.querySelector("#lightbox-caption");
  document.querySelectorAll("a[data-lightbox]").forEach((link) => {
    link.addEventListener("click", (event) => {
      event.preventDefault();
      img.src = link.href;
      img.alt = link.dataset.caption || "";
      caption.textContent = link.dataset.caption || "";
      box.showModal();
      box.addEventListener("close", () => link.focus(), { once: true });
    });
  });
  box.addEventListener("click", (event) => { if (event.target === box) box.close(); });
})();
