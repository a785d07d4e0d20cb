/* Office directory filter (issue "Searchable office directory").
 *
 * Progressive enhancement of the table that layouts/partials/directory.html
 * renders in full: without this script every row stays visible and the search
 * form stays hidden. A row matches when every space-separated term of the query
 * is found in its visible text, in its phone digits (dashes ignored, so 0731-822
 * and 0731822 both work) or in its pinyin keys (data-keys, from
 * noticesite/pinyin.py): a prefix of any key (hn, hunan), or, from three
 * letters on, anywhere in a key (nan finds 湖南, 河南, 南昌…). An office's
 * search-only spellings (data-aliases: 哈尔滨 for an address that misspells it
 * 哈乐滨) match like its text but are never shown or marked.
 *
 * Speed (3,000 rows under one 16 ms frame): row text is lowercased once at
 * start; a keystroke only reads strings and writes the DOM (hidden, <mark>),
 * never reads layout; only visible rows are repainted, only when their marks
 * are for another query, and past the first screenful in slices after the
 * keystroke. User text reaches the page as text nodes only.
 */
(function () {
  "use strict";

  var ANNOUNCE_MS = 600; // let the typing settle before a screen reader speaks
  var URL_MS = 250; // history.replaceState is rate-limited by browsers
  // Marks are painted at once for the first rows (a screenful and more), then
  // in slices between frames: "0" matches every row of a 3,000-row table.
  var PAINT_NOW = 100;
  var PAINT_SLICE = 300;

  // Full-width ASCII (what a Chinese IME may type: ０７３１, ｈｎ, －) to ASCII,
  // then lowercase. Both keep the length, so indexes in the folded text are
  // indexes in the original, for the marks.
  function fold(s) {
    return s.replace(/[\uff01-\uff5e]/g, function (c) {
      return String.fromCharCode(c.charCodeAt(0) - 0xfee0);
    }).toLowerCase();
  }

  function parse(query) {
    return fold(query).split(/\s+/).filter(Boolean).map(function (s) {
      var digits = "";
      if (/^\+?[\d\-\u2010-\u2015().]+$/.test(s) && /\d/.test(s)) {
        digits = s.replace(/\D/g, "");
        if (s.charAt(0) === "+" && digits.slice(0, 2) === "86") digits = "0" + digits.slice(2);
      }
      return { s: s, d: digits, p: /^[a-z']+$/.test(s) ? s.replace(/'/g, "") : "" };
    });
  }

  function Row(tr) {
    var targets = [];
    var texts = [];
    for (var i = 0; i < tr.cells.length; i++) {
      var cell = tr.cells[i];
      var t = cell.querySelector("a") || cell;
      if (t.childElementCount) continue; // only plain-text cells are searched and marked
      var text = t.textContent;
      var folded = fold(text);
      var target = { el: t, text: text, folded: folded.length === text.length ? folded : null, marked: false };
      if (t.tagName === "A" && /^tel:/.test(t.getAttribute("href") || "")) {
        // digit i of the number is character at[i] of the text
        target.at = [];
        for (var j = 0; j < text.length; j++) if (/\d/.test(text.charAt(j))) target.at.push(j);
        target.digits = this.digits = target.at.map(function (k) { return text.charAt(k); }).join("");
      }
      targets.push(target);
      texts.push(folded);
    }
    this.tr = tr;
    this.targets = targets;
    this.text = texts.join("\n"); // a term never spans two cells
    this.digits = this.digits || "";
    this.keys = " " + fold(tr.getAttribute("data-keys") || "");
    this.aliases = fold(tr.getAttribute("data-aliases") || "");
    this.shown = !tr.hidden;
    this.painted = ""; // the query the marks in this row are for
  }

  Row.prototype.matches = function (terms) {
    for (var i = 0; i < terms.length; i++) {
      var t = terms[i];
      if (this.text.indexOf(t.s) >= 0) continue;
      if (this.aliases && this.aliases.indexOf(t.s) >= 0) continue;
      if (t.d && this.digits.indexOf(t.d) >= 0) continue;
      if (t.p && (this.keys.indexOf(" " + t.p) >= 0 || (t.p.length >= 3 && this.keys.indexOf(t.p) >= 0))) continue;
      return false;
    }
    return true;
  };

  function ranges(target, terms) {
    var out = [];
    var text = target.folded;
    if (text === null) return out;
    terms.forEach(function (t) {
      for (var at = text.indexOf(t.s); at >= 0; at = text.indexOf(t.s, at + t.s.length)) out.push([at, at + t.s.length]);
      if (t.d && target.at) {
        for (var d = target.digits.indexOf(t.d); d >= 0; d = target.digits.indexOf(t.d, d + t.d.length)) {
          out.push([target.at[d], target.at[d + t.d.length - 1] + 1]);
        }
      }
    });
    out.sort(function (a, b) { return a[0] - b[0]; });
    var merged = [];
    out.forEach(function (r) {
      var last = merged[merged.length - 1];
      if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
      else merged.push(r);
    });
    return merged;
  }

  // Rebuild a cell from its original text: plain text nodes and <mark>s.
  function paint(target, marks) {
    var el = target.el;
    var text = target.text;
    if (!marks.length) {
      if (target.marked) el.textContent = text;
      target.marked = false;
      return;
    }
    var frag = document.createDocumentFragment();
    var at = 0;
    marks.forEach(function (r) {
      if (r[0] > at) frag.appendChild(document.createTextNode(text.slice(at, r[0])));
      var mark = document.createElement("mark");
      mark.textContent = text.slice(r[0], r[1]);
      frag.appendChild(mark);
      at = r[1];
    });
    if (at < text.length) frag.appendChild(document.createTextNode(text.slice(at)));
    el.textContent = "";
    el.appendChild(frag);
    target.marked = true;
  }

  function setup(form) {
    var id = form.getAttribute("data-directory");
    var table = document.getElementById(id);
    var input = form.elements.q;
    var count = document.getElementById(id + "-count");
    var empty = document.getElementById(id + "-empty");
    if (!table || !table.tBodies.length || !input) return;

    var rows = [];
    for (var b = 0; b < table.tBodies.length; b++) {
      var trs = table.tBodies[b].rows;
      for (var r = 0; r < trs.length; r++) rows.push(new Row(trs[r]));
    }

    var current = null;
    var composing = false;
    var announceTimer = 0;
    var urlTimer = 0;
    var paintTimer = 0;

    function syncUrl() {
      try {
        var url = new URL(location.href);
        if (current) url.searchParams.set("q", current);
        else url.searchParams.delete("q");
        if (url.href !== location.href) history.replaceState(history.state, "", url.href);
      } catch (e) { /* a file: page or an old browser: the filter still works */ }
    }

    function announce(n, searching) {
      if (count) count.textContent = searching ? "找到 " + n + " 条" : "已显示全部 " + n + " 条";
    }

    function update(now) {
      var query = input.value;
      if (query === current) return;
      var terms = parse(query);
      var key = terms.map(function (t) { return t.s; }).join(" ");
      var n = 0;
      var todo = [];
      current = query;
      for (var i = 0; i < rows.length; i++) {
        var row = rows[i];
        var ok = !terms.length || row.matches(terms);
        if (ok !== row.shown) {
          row.tr.hidden = !ok;
          row.shown = ok;
        }
        if (!ok) continue; // hidden rows keep stale marks until shown again
        n++;
        if (row.painted !== key) todo.push(row);
      }
      clearTimeout(paintTimer);
      (function paintRows(from, upto) {
        for (; from < upto && from < todo.length; from++) {
          var row = todo[from];
          for (var j = 0; j < row.targets.length; j++) paint(row.targets[j], terms.length ? ranges(row.targets[j], terms) : []);
          row.painted = key;
        }
        if (from < todo.length) paintTimer = setTimeout(paintRows, 0, from, from + PAINT_SLICE);
      })(0, PAINT_NOW);
      if (empty) empty.hidden = n > 0;
      clearTimeout(announceTimer);
      clearTimeout(urlTimer);
      if (now) {
        announce(n, terms.length > 0);
        syncUrl();
      } else {
        announceTimer = setTimeout(announce, ANNOUNCE_MS, n, terms.length > 0);
        urlTimer = setTimeout(syncUrl, URL_MS);
      }
    }

    // Chinese typed through an input method is matched when a word is
    // committed (compositionend), not on each pinyin letter composed before it.
    input.addEventListener("compositionstart", function () { composing = true; });
    input.addEventListener("compositionend", function () { composing = false; update(); });
    input.addEventListener("input", function (e) {
      if (!composing && !e.isComposing) update();
    });
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      current = null;
      update(true);
    });
    var clear = form.querySelector(".directory-clear");
    if (clear) {
      clear.addEventListener("click", function () {
        input.value = "";
        update(true);
        input.focus();
      });
    }
    window.addEventListener("pagehide", function () {
      if (urlTimer) syncUrl();
    });

    form.hidden = false;
    var shared = new URLSearchParams(location.search).get("q");
    if (shared) input.value = shared;
    current = "";
    if (input.value) update(true);
  }

  var forms = document.querySelectorAll("form[data-directory]");
  for (var i = 0; i < forms.length; i++) setup(forms[i]);
})();
