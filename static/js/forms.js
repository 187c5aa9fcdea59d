// Forms, for keyboard and screen-reader users: when the server refused a form, move the focus
// to the error summary so that the list of problems is read first and each link jumps to its
// field. A file (not inline) for the Content-Security-Policy.
(function () {
  "use strict";
  const summary = document.getElementById("error-summary");
  if (summary && document.activeElement === document.body) summary.focus();
})();
