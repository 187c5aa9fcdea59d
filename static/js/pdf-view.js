// PDFs on the judge's scoring page, drawn in the page with pdf.js (served from our static
// files: static/js/vendor/pdfjs). Every .pdf-view[data-pdf] gets one canvas per page, as wide
// as its box; the download link beside it stays. If the browser cannot load pdf.js or the file,
// the box says so and points to the download.
(function () {
  "use strict";
  const me = document.getElementById("pdf-view-js");
  const views = Array.from(document.querySelectorAll(".pdf-view[data-pdf]"));
  if (!me || !views.length) return;
  const en = (document.documentElement.lang || "ko").startsWith("en");
  const T = en
    ? { failed: "The PDF cannot be shown here. Use the download link below.", page: "Page {n} of {m}", pages: "{m} pages" }
    : { failed: "이 브라우저에서는 PDF를 여기에 표시할 수 없습니다. 아래 내려받기 링크를 이용하세요.", page: "{m}쪽 중 {n}쪽", pages: "모두 {m}쪽" };

  function say(view, text) {
    const status = view.querySelector(".pdf-status");
    if (status) status.textContent = text;
  }

  async function draw(pdfjs, view) {
    const task = pdfjs.getDocument({ url: view.dataset.pdf, isEvalSupported: false, withCredentials: true });
    const doc = await task.promise;
    say(view, T.pages.replace("{m}", doc.numPages));
    const label = view.dataset.label || "PDF";
    for (let n = 1; n <= doc.numPages; n += 1) {
      const page = await doc.getPage(n);
      const base = page.getViewport({ scale: 1 });
      const width = Math.max(view.clientWidth - 16, 200);
      const ratio = window.devicePixelRatio || 1;
      const viewport = page.getViewport({ scale: (width / base.width) * ratio });
      const canvas = document.createElement("canvas");
      canvas.width = Math.floor(viewport.width);
      canvas.height = Math.floor(viewport.height);
      canvas.setAttribute("role", "img");
      canvas.setAttribute("aria-label", label + " · " + T.page.replace("{n}", n).replace("{m}", doc.numPages));
      view.appendChild(canvas);
      await page.render({ canvasContext: canvas.getContext("2d"), viewport: viewport, canvas: canvas }).promise;
    }
    view.dataset.rendered = String(doc.numPages);
  }

  import(me.dataset.lib)
    .then((pdfjs) => {
      pdfjs.GlobalWorkerOptions.workerSrc = me.dataset.worker;
      return Promise.all(views.map((view) => draw(pdfjs, view).catch(() => say(view, T.failed))));
    })
    .catch(() => views.forEach((view) => say(view, T.failed)));
})();
