/* Site search over the Pagefind index built with the site. Hand-written, no
   framework: a plain form that also works as a link (?q=), results as a list.
   The base path comes from this page's address, so the site works under any
   sub-path and from any static server; nothing is fetched from another host. */
(function () {
  "use strict";
  var form = document.querySelector("form.site-search");
  if (!form) return;
  var input = document.getElementById("site-search-q");
  var status = document.getElementById("site-search-status");
  var list = document.getElementById("site-search-results");
  var base = new URL(form.getAttribute("data-base") || "../", window.location.href).pathname;
  var engine = null;
  var latest = 0;

  /* The index is one Pagefind bundle per year (pagefind/bundles.json lists them, newest
     first): the newest is loaded and the others are merged into it. */
  function load() {
    if (!engine) {
      var index = base + "pagefind/";
      engine = fetch(index + "bundles.json").then(function (response) {
        if (!response.ok) throw new Error("no search index");
        return response.json();
      }).then(function (listing) {
        var bundles = listing.bundles || [];
        if (!bundles.length) return null;  /* no notice yet: nothing to find */
        return import(index + bundles[0] + "/pagefind.js").then(function (pagefind) {
          return pagefind.options({ baseUrl: base }).then(function () {
            return Promise.all(bundles.slice(1).map(function (name) {
              return pagefind.mergeIndex(index + name + "/", { baseUrl: base });
            }));
          }).then(function () { return pagefind; });
        });
      });
    }
    return engine;
  }

  /* Pagefind's excerpts are escaped text with <mark> around the matches:
     rebuild them from text nodes so that nothing else can become markup. */
  function excerpt(html) {
    var p = document.createElement("p");
    p.className = "search-excerpt";
    var decoder = document.createElement("textarea");
    html.split(/(<mark>|<\/mark>)/).reduce(function (marked, part) {
      if (part === "<mark>") return true;
      if (part === "</mark>") return false;
      decoder.innerHTML = part;
      var text = document.createTextNode(decoder.value);
      if (marked) {
        var m = document.createElement("mark");
        m.appendChild(text);
        p.appendChild(m);
      } else {
        p.appendChild(text);
      }
      return marked;
    }, false);
    return p;
  }

  function show(results, query) {
    list.textContent = "";
    results.forEach(function (r) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      /* a record (an office, a PDF) gives its address as meta (Pagefind's "url" meta, as its own UI reads it) */
      a.href = (r.meta && r.meta.url) || r.url;
      a.className = "search-result-link";
      a.textContent = (r.meta && r.meta.title) || r.url;
      li.appendChild(a);
      li.appendChild(excerpt(r.excerpt || ""));
      list.appendChild(li);
    });
    status.textContent = results.length ? "找到 " + results.length + " 条与“" + query + "”相关的结果"
                                        : "没有找到与“" + query + "”相关的内容";
  }

  function run(query) {
    var ticket = ++latest;
    var url = new URL(window.location.href);
    if (query) url.searchParams.set("q", query); else url.searchParams.delete("q");
    window.history.replaceState(null, "", url);
    if (!query) { list.textContent = ""; status.textContent = ""; return; }
    status.textContent = "正在搜索…";
    load().then(function (pagefind) { return pagefind ? pagefind.search(query) : { results: [] }; })
      .then(function (found) { return Promise.all(found.results.slice(0, 20).map(function (r) { return r.data(); })); })
      .then(function (data) { if (ticket === latest) show(data, query); })
      .catch(function () { if (ticket === latest) status.textContent = "搜索暂时不可用，请稍后再试。"; });
  }

  var timer = 0;
  var composing = false;
  input.addEventListener("compositionstart", function () { composing = true; });
  input.addEventListener("compositionend", function () { composing = false; run(input.value.trim()); });
  input.addEventListener("input", function () {
    if (composing) return;
    clearTimeout(timer);
    timer = setTimeout(function () { run(input.value.trim()); }, 200);
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    run(input.value.trim());
  });
  var initial = new URLSearchParams(window.location.search).get("q");
  if (initial) { input.value = initial; run(initial.trim()); }
})();
