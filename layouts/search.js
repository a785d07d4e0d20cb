/* Site search over the Pagefind index built with the site. Hand-written, no
   framework: a plain form that also works as a link (?q=), results as a list.
   The base path comes from this page's address, so the site works under any
   sub-path and from any static server; nothing is fetched from another host.

   Only Pagefind's documented browser API is used: options(), init(), mergeIndex(),
   preload(), search() (with its "exact phrase" form), filters and each result's data()
   (url, content, excerpt, meta).

   Speed on a weak phone (bench/search_phone.py, Slow 3G and Fast 3G, CPU 4x): the
   first result waits on a chain of requests (Pagefind's module, its worker, its
   metadata and wasm, the index chunks of the query, the first results' fragments),
   so every link starts as soon as it can. search.html preloads Pagefind's module
   with the page; this script (deferred: the page is parsed) starts the index loading
   at once, not when the page is idle or the box gets focus (a reader who types as
   soon as the box shows waited up to a second more); init() fetches Pagefind's code
   and metadata at once, and each keystroke preloads the index chunks of what is
   typed (preload()) while the debounce waits. Results are shown in two steps: the
   first FIRST as soon as their data has arrived, then the rest of the first
   CANDIDATES, ranked together (the list is aria-busy until then). The figures, against
   Pagefind alone on the same machine (--floor), are in the commit that chose these. */
(function () {
  "use strict";
  var form = document.querySelector("form.site-search");
  if (!form) return;
  var input = document.getElementById("site-search-q");
  var status = document.getElementById("site-search-status");
  var list = document.getElementById("site-search-results");
  var help = document.getElementById("site-search-help");
  var base = new URL(form.getAttribute("data-base") || "../", window.location.href).pathname;
  var FIRST = 3;        // results whose data is fetched before the first are shown (bench/search_phone.py: 1 to 3 alike, 6 later by 0.3 s on Slow 3G)
  var CANDIDATES = 30;  // results ranked (their data fetched), of Pagefind's order
  var SHOWN = 20;       // results listed
  var engine = null;
  var latest = 0;

  /* The index: pagefind/bundles.json lists its bundles, newest first; the first is
     loaded and the others are merged into it (one bundle: nothing to merge). */
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
            var ready = [pagefind.init()];  /* its code and metadata now, not at the first query */
            return Promise.all(ready.concat(bundles.slice(1).map(function (name) {
              return pagefind.mergeIndex(index + name + "/", { baseUrl: base });
            })));
          }).then(function () { return pagefind; });
        });
      });
      engine.catch(function () { engine = null; });  /* a failed load is tried again at the next query */
    }
    return engine;
  }

  /* ---- Chinese characters, one word each -------------------------------------
     The index has each Chinese character as a word of its own (search.py,
     split_han: issue 14), so a query is given to Pagefind the same way, its
     characters apart (the browser's segmenter would make words of them that begin
     no word of the index). A query with Chinese characters is asked as
       - each of its pieces alone (a character, or a word of other letters or
         digits): a page is found if it has most of them, all but one in three
         (准考证: two of 准, 考, 证; 量子力学实验 with three of six is not a match),
         its score the sum of theirs;
       - each term's characters as a phrase, in a row: the pages with the word as
         typed, put first among the candidates whatever their score, and their
         excerpt is the phrase's.
     The phrases are asked first (answer()): when their pages fill a page of results,
     the characters' searches are not made at all (their pages would rank below).
     Otherwise the characters' searches are made before any fragment is fetched, so
     that the first results shown are ranked as the whole list will be (the first
     result stays first): measured, showing the phrase's pages first while the
     characters' searches ran beside the fragments was no faster (the worker does
     both), and put 图像采集's second page first until the list was complete.
     HAN is the class of search.py. */
  var HAN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u{20000}-\u{3134f}]/u;
  var HANS = /([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u{20000}-\u{3134f}])/gu;

  function apart(query) {
    return query.replace(HANS, " $1 ").replace(/[\s\u3000]+/g, " ").trim();
  }

  function pieces(query) {
    var seen = {};
    return apart(query).split(" ").filter(function (p) {
      if (!p || seen[p]) return false;
      seen[p] = true;
      return true;
    });
  }

  function phrases(query) {
    return query.split(/[\s\u3000]+/).filter(function (t) { return HAN.test(t); })
      .map(apart).filter(function (t) { return t.indexOf(" ") > 0; });
  }

  /* Every phrase's pages, in the first phrase's order: those with each word as typed. */
  function inEvery(searches) {
    var has = searches.slice(1).map(function (search) {
      var ids = {};
      search.results.forEach(function (r) { ids[r.id] = true; });
      return ids;
    });
    return searches[0].results.filter(function (r) {
      return has.every(function (ids) { return ids[r.id]; });
    });
  }

  /* The answer to a query, in the order its results' data is fetched. A query with
     Chinese words is asked as their phrases first: when these pages fill a page of
     results (SHOWN) and every term is such a word, they are the answer (each
     character's search would only add pages with some of the characters, ranked
     below them, and their fragments); otherwise find() adds those. */
  function answer(pagefind, query) {
    if (!HAN.test(query)) return pagefind.search(query).then(function (s) { return s.results; });
    var asked = phrases(query);
    return Promise.all(asked.map(function (p) { return pagefind.search("\"" + p + "\""); })).then(function (found) {
      var hits = found.length ? inEvery(found) : [];
      var covers = asked.length === query.split(/[\s\u3000]+/).filter(Boolean).length;
      return covers && hits.length >= SHOWN ? hits : find(pagefind, query, found);
    });
  }

  /* The answer to a query with Chinese characters, its phrases' searches made
     (`phrased`): each of its pieces' searches, combined with them. */
  function find(pagefind, query, phrased) {
    var each = pieces(query);
    return Promise.all(each.map(function (q) { return pagefind.search(q); })).then(function (found) {
      var pages = {}, order = [];
      found.forEach(function (search) {
        search.results.forEach(function (r) {
          var page = pages[r.id];
          if (!page) order.push(page = pages[r.id] = { id: r.id, score: 0, count: 0, result: r, phrase: null });
          page.score += r.score;
          page.count += 1;
        });
      });
      var hits = {};
      if (phrased.length) inEvery(phrased).forEach(function (r) { hits[r.id] = r; });
      order.forEach(function (page) { page.phrase = hits[page.id] || null; });
      var need = each.length - Math.floor(each.length / 3);
      return order.filter(function (page) { return page.phrase || page.count >= need; })
        .sort(function (a, b) { return (b.phrase ? 1 : 0) - (a.phrase ? 1 : 0) || b.score - a.score; })
        .map(function (page) {
          var from = page.phrase || page.result;  /* the phrase's excerpt marks the word */
          return { id: page.id, score: page.score, data: function () { return from.data(); } };
        });
    });
  }

  /* ---- ranking -------------------------------------------------------------
     Pagefind scores each result by the words of the query it contains, so a page
     with 准确 and 证书 may score above one with the word 准考证 itself. Over the
     data of the first CANDIDATES results, in Pagefind's order:
       tier 2  every term of the query, as typed, is in the title
       tier 1  ... in the text of the page (or of its PDF)
       tier 0  only some of the characters or words
     then, within a tier, Pagefind's score in coarse steps (about 30 % apart: a
     close score is a tie), then the newer notice (the page's date metadata) first,
     then Pagefind's order. Comparing is done on text folded as the directory does
     (full-width to ASCII, lowercase) with spaces and Pagefind's word breaks removed. */
  function fold(s) {
    return String(s || "").replace(/[\uff01-\uff5e]/g, function (c) {
      return String.fromCharCode(c.charCodeAt(0) - 0xfee0);
    }).replace(/[\s\u200b]+/g, "").toLowerCase();
  }

  function terms(query) {
    return query.split(/[\s\u3000]+/).map(fold).filter(Boolean);
  }

  function containsAll(text, words) {
    return words.every(function (w) { return text.indexOf(w) >= 0; });
  }

  function tier(item, words) {
    if (!words.length) return 0;
    if (containsAll(fold(item.title), words)) return 2;
    return containsAll(item.text, words) ? 1 : 0;
  }

  function rank(items, words) {
    var dates = {};  /* a notice's date, for its records without one (PDFs, offices) */
    items.forEach(function (item) { if (item.date) dates[item.folder] = item.date; });
    items.forEach(function (item) {
      item.tier = tier(item, words);
      item.step = item.score > 0 ? Math.round(Math.log(item.score) / Math.log(1.3)) : -1e9;
      item.when = item.date || dates[item.folder] || "";
    });
    return items.slice().sort(function (a, b) {
      return (b.tier - a.tier) || (b.step - a.step) || (a.when < b.when ? 1 : a.when > b.when ? -1 : 0)
        || (a.order - b.order);
    });
  }

  /* ---- a page and its PDF as one result -------------------------------------
     A page names its PDF in its metadata (pdf, pdf_size: data-pagefind-meta on its
     PDF link). The PDF's own record (the text it prints) joins that page's result
     as a second link; a PDF whose page is not among the results stands for its
     page (a notice's PDF holds its attachments' text too): the page's address by
     the build's naming (notice.pdf is the notice's page, attachment-1.pdf is
     attachment-1.html), the size asked of the server. */
  function path(url) {  /* an office's record is its directory page with ?q=: kept apart */
    var u = new URL(url, window.location.href);
    return u.pathname + u.search;
  }

  function item(data, order, score) {
    var meta = data.meta || {};
    /* a record (an office, a PDF) gives its address as meta (Pagefind's "url" meta, as its own UI
       reads it): a result's own url is where the build staged it for indexing */
    /* a record's meta url is written from the site's root (search.py): under a sub-path the
       site's root is `base` */
    var address = meta.url ? base + meta.url.replace(/^\//, "") : data.url;
    var url = path(address);
    var rest = url.slice(base.length);
    return {
      url: address, path: url, title: (meta.title || address).replace(/\u200b/g, ""), excerpt: data.excerpt || "",
      text: fold(data.content) + "\n" + fold(meta.title), date: meta.date || "", score: score || 0,
      order: order, folder: rest.split("/")[0],
      pdf: meta.pdf ? path(new URL(meta.pdf, new URL(address, window.location.href)).href) : "",
      pdfSize: meta.pdf_size || "", isPdf: /\.pdf$/i.test(url), content: data.content || ""
    };
  }

  function grouped(found) {
    var items = found.map(function (it) { var copy = {}; for (var k in it) copy[k] = it[k]; return copy; });
    var byPdf = {};
    items.forEach(function (it) { if (!it.isPdf && it.pdf) byPdf[it.pdf] = it; });
    var out = [];
    var pages = {};
    items.forEach(function (it) { if (!it.isPdf) { out.push(it); pages[it.path] = it; } });
    items.forEach(function (pdf) {
      if (!pdf.isPdf) return;
      var page = byPdf[pdf.path] || pages[pageOf(pdf.path)];
      if (page) {
        page.pdf = pdf.path;
        page.text += "\n" + pdf.text;  /* what the PDF prints counts for its page */
        page.order = Math.min(page.order, pdf.order);
        page.score = Math.max(page.score, pdf.score);
        return;
      }
      var stand = pdf;
      stand.url = stand.path = pageOf(pdf.path);
      stand.title = pdf.title.replace(/（打印版 PDF）$/, "");
      stand.pdf = pdf.path;
      stand.pdfSize = "";
      stand.isPdf = false;
      pages[stand.path] = stand;
      out.push(stand);
    });
    return out;
  }

  function pageOf(pdfPath) {
    return /\/notice\.pdf$/i.test(pdfPath) ? pdfPath.replace(/notice\.pdf$/i, "") : pdfPath.replace(/\.pdf$/i, ".html");
  }

  /* ---- showing ------------------------------------------------------------- */

  /* Pagefind's excerpts are escaped text with <mark> around the matches:
     rebuild them from text nodes so that nothing else can become markup. Its word
     breaks (zero-width spaces) are taken out, and the marks of a phrase's
     characters, one word each, joined into one. */
  function excerpt(html) {
    var p = document.createElement("p");
    p.className = "search-excerpt";
    var decoder = document.createElement("textarea");
    html.replace(/\u200b/g, "").replace(/<\/mark><mark>/g, "").replace(/(\s+)<\/mark>/g, "</mark>$1").split(/(<mark>|<\/mark>)/).reduce(function (marked, part) {
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

  /* A page found only by its search keys (the hidden .search-keys at the end of the
     page, after a ⁂: pinyin, an office's aliases): its excerpt would be a line of
     keys, so the page's opening words are shown instead. */
  var KEYS = "\u2042";
  function excerptOf(it, words) {
    var text = it.content.replace(/\u200b/g, "");
    var end = text.lastIndexOf(KEYS);
    if (end < 0 || containsAll(fold(text.slice(0, end)), words)) return excerpt(it.excerpt);
    return excerpt(text.slice(0, 90).replace(/&/g, "&amp;").replace(/</g, "&lt;") + "…");
  }

  function kb(bytes) {
    return Math.max(1, Math.round(bytes / 1024)) + " KB";
  }

  function pdfLink(it) {
    var a = document.createElement("a");
    a.href = it.pdf;
    a.type = "application/pdf";
    a.className = "search-result-pdf";
    a.textContent = "打印版 PDF" + (it.pdfSize ? "（" + it.pdfSize + "）" : "");
    if (!it.pdfSize) {  /* a PDF that stands for its page: its size from the server */
      fetch(it.pdf, { method: "HEAD" }).then(function (r) {
        var size = +r.headers.get("Content-Length");
        if (r.ok && size) a.textContent = "打印版 PDF（" + kb(size) + "）";
      }).catch(function () {});
    }
    var p = document.createElement("p");
    p.className = "search-result-files";
    p.appendChild(a);
    return p;
  }

  function show(items, query, words, busy) {
    list.textContent = "";
    items.slice(0, SHOWN).forEach(function (it) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = it.url;
      a.className = "search-result-link";
      a.textContent = it.title;
      li.appendChild(a);
      li.appendChild(excerptOf(it, words));
      if (it.pdf) li.appendChild(pdfLink(it));
      list.appendChild(li);
    });
    list.setAttribute("aria-busy", busy ? "true" : "false");
    status.textContent = items.length ? "找到 " + items.length + (busy ? "+" : "") + " 条与“" + query + "”相关的结果"
                                      : "没有找到与“" + query + "”相关的内容";
    if (!busy) helpFor(items.length ? "" : query);
  }

  /* No result: a shorter query (its first term, or the first two characters of a
     longer word), the office directory (the newest page of a directory attachment,
     found by its filter: data-pagefind-filter="type:directory") and the archive. */
  function helpFor(query) {
    if (!help) return;
    help.hidden = !query;
    if (!query) return;
    var shorter = document.getElementById("site-search-shorter");
    var parts = query.split(/[\s\u3000]+/).filter(Boolean);
    var short = parts.length > 1 ? parts[0] : (query.length > 2 ? query.slice(0, 2) : "");
    if (shorter) {
      shorter.textContent = "";
      shorter.parentNode.hidden = !short;
      if (short) {
        var a = document.createElement("a");
        a.href = "?q=" + encodeURIComponent(short);
        a.textContent = short;
        a.addEventListener("click", function (e) { e.preventDefault(); input.value = short; run(short); });
        shorter.appendChild(a);
      }
    }
    var directory = document.getElementById("site-search-directory");
    if (directory && !directory.getAttribute("href")) {
      load().then(function (pagefind) {
        return pagefind && pagefind.search(null, { filters: { type: "directory" } });
      }).then(function (found) {
        if (!found || !found.results.length) return null;
        return Promise.all(found.results.slice(0, 10).map(function (r) { return r.data(); }));
      }).then(function (pages) {
        if (!pages) return;
        pages.sort(function (a, b) { return (b.meta.date || "") < (a.meta.date || "") ? -1 : 1; });
        directory.href = pages[0].url;
        directory.parentNode.hidden = false;
      }).catch(function () {});
    }
  }

  function data(results, from, to) {
    return Promise.all(results.slice(from, to).map(function (r, i) {
      return r.data().then(function (d) { return item(d, from + i, r.score); });
    }));
  }

  function run(query) {
    var ticket = ++latest;
    var url = new URL(window.location.href);
    if (query) url.searchParams.set("q", query); else url.searchParams.delete("q");
    window.history.replaceState(null, "", url);
    if (!query) { list.textContent = ""; status.textContent = ""; helpFor(""); return; }
    status.textContent = "正在搜索…";
    list.setAttribute("aria-busy", "true");
    var words = terms(query);
    var found = [];
    load().then(function (pagefind) { return pagefind ? answer(pagefind, query) : []; })
      .then(function (results) {
        found = results;
        return data(found, 0, FIRST);
      })
      .then(function (first) {
        if (ticket !== latest) return null;
        var more = found.length > FIRST;
        show(rank(grouped(first), words), query, words, more);
        if (!more) return null;
        return data(found, FIRST, CANDIDATES).then(function (rest) {
          if (ticket === latest) show(rank(grouped(first.concat(rest)), words), query, words, false);
        });
      })
      .catch(function () {
        if (ticket !== latest) return;
        list.setAttribute("aria-busy", "false");
        status.textContent = "搜索暂时不可用，请稍后再试。";
      });
  }

  function preload(query) {
    if (!query) return;
    load().then(function (pagefind) { if (pagefind) pagefind.preload(HAN.test(query) ? apart(query) : query); }).catch(function () {});
  }

  var timer = 0;
  var composing = false;
  input.addEventListener("focus", function () { load().catch(function () {}); });
  input.addEventListener("compositionstart", function () { composing = true; load().catch(function () {}); });
  input.addEventListener("compositionend", function () { composing = false; clearTimeout(timer); run(input.value.trim()); });
  input.addEventListener("input", function () {
    if (composing) return;
    var query = input.value.trim();
    preload(query);
    clearTimeout(timer);
    timer = setTimeout(function () { run(query); }, 200);
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(timer);
    run(input.value.trim());
  });
  var initial = new URLSearchParams(window.location.search).get("q");
  if (initial) {
    input.value = initial;
    run(initial.trim());
  } else {
    load().catch(function () {});
  }
})();
