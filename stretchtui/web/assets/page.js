// The page's own script (no inline scripts: the Content-Security-Policy forbids them).
// Start and Restart reload the page with its query string (the token stays in it) minus "delay".
(function () {
  function startUrl() {
    const url = new URL(window.location.href);
    url.searchParams.delete("delay");
    return url.pathname + "?" + url.searchParams.toString();
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("button.restart").forEach(function (button) {
      button.addEventListener("click", function () {
        window.location.href = startUrl();
      });
    });
  });
})();
