/* Site search: Pagefind's own UI over the index built with the site.
   The base URL is worked out from this page's address, so the site works
   under any sub-path and from any static server; nothing leaves this host. */
(function () {
  "use strict";
  var box = document.getElementById("site-search");
  if (!box || typeof PagefindUI === "undefined") return;
  var base = new URL(box.getAttribute("data-base") || "../", window.location.href).pathname;
  var params = new URLSearchParams(window.location.search);
  var ui = new PagefindUI({
    element: "#site-search",
    baseUrl: base,
    bundlePath: base + "pagefind/",
    showSubResults: true,
    showImages: false,
    resetStyles: false,
    autofocus: !params.get("q")
  });
  if (params.get("q")) ui.triggerSearch(params.get("q"));
  /* Keep the query in the address, so a search can be shared and survives a reload. */
  box.addEventListener("input", function (event) {
    if (!event.target || event.target.tagName !== "INPUT") return;
    var q = event.target.value.trim();
    var url = new URL(window.location.href);
    if (q) url.searchParams.set("q", q); else url.searchParams.delete("q");
    window.history.replaceState(null, "", url);
  });
})();
