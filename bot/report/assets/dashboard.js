// roadmap-bot dashboard: builds the table from the embedded JSON and applies the filters.
// Every piece of report text goes in through textContent, never innerHTML: titles come from the web.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("report-data").textContent);
  var rows = data.rows;
  var state = { status: "all", kind: "", section: "", fresh: "", q: "", nolink: false };
  var tbody = document.querySelector("#links tbody");
  var LABEL = { ok: "OK", redirected: "Moved", broken: "Broken", blocked: "Blocked",
                error: "Error", skipped: "Skipped", none: "No link" };

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  // Only http(s) URLs become links; anything else is shown as text.
  function safeHref(url) {
    return typeof url === "string" && /^https?:\/\//i.test(url) ? url : null;
  }

  function anchor(url, text, cls) {
    var href = safeHref(url);
    var node = el(href ? "a" : "span", cls, text);
    if (href) { node.href = href; node.rel = "noopener noreferrer nofollow"; node.target = "_blank"; }
    return node;
  }

  function statusCell(row) {
    var td = el("td", "c-status");
    td.appendChild(el("span", "badge s-" + row.status, LABEL[row.status] || row.status));
    return td;
  }

  function resourceCell(row) {
    var td = el("td", "c-resource");
    td.appendChild(anchor(row.url, row.title, "title"));
    var sub = el("div", "sub");
    if (row.url) { sub.appendChild(el("span", "url", row.url)); }
    row.places.forEach(function (place) { sub.appendChild(el("code", "place", place)); });
    td.appendChild(sub);
    if (row.page_title && row.page_title !== row.title) {
      td.appendChild(el("div", "page-title", "page: " + row.page_title));
    }
    return td;
  }

  function sectionCell(row) {
    var td = el("td", "c-section");
    row.sections.forEach(function (name) { td.appendChild(el("div", null, name)); });
    if (row.kind !== "unknown") { td.appendChild(el("span", "kind", row.kind)); }
    return td;
  }

  function findingCell(row) {
    var td = el("td", "c-finding");
    if (row.detail) { td.appendChild(el("div", "reason", row.detail)); }
    if (row.final_url) {
      var moved = el("div", "moved", "→ ");
      moved.appendChild(anchor(row.final_url, row.final_url, "url"));
      td.appendChild(moved);
    }
    if (row.opinion) {
      var opinion = el("div", "opinion o-" + (row.opinion_verdict || "unknown"), row.opinion);
      if (row.unverified_for) {
        opinion.appendChild(el("span", "since", " · unverified for " + row.unverified_for +
          " (since " + row.unverified_since + ")"));
      }
      td.appendChild(opinion);
    }
    if (row.suggestion) {
      var advice = el("div", "suggestion", row.suggestion + " ");
      if (row.suggestion_url) { advice.appendChild(anchor(row.suggestion_url, "→ suggested link")); }
      td.appendChild(advice);
    }
    return td;
  }

  function updatedCell(row) {
    var td = el("td", "c-updated");
    var pill = el("span", "fresh f-" + row.freshness, row.age ? row.age : "unknown");
    pill.title = (row.last_updated ? "last updated " + row.last_updated : "no date found") +
      (row.date_source ? " (" + row.date_source + ")" : "") + " · " + row.freshness;
    td.appendChild(pill);
    td.appendChild(el("div", "sub", row.freshness));
    return td;
  }

  // One cell per day, oldest first; a day before the first record has no data.
  function historyCell(row) {
    var td = el("td", "c-history");
    var strip = el("div", "strip");
    var known = row.history.filter(function (day) { return day.status; });
    strip.setAttribute("role", "img");
    strip.setAttribute("aria-label", known.length ? "last 14 days: " +
      known.map(function (day) { return day.day + " " + day.status; }).join(", ") : "no history yet");
    row.history.forEach(function (day) {
      var status = day.status ? (LABEL[day.status] ? day.status : "other") : "nodata";
      var cell = el("span", "cell s-" + status);
      cell.title = day.day + ": " + (day.status || "no data");
      strip.appendChild(cell);
    });
    td.appendChild(strip);
    return td;
  }

  function buildRow(row) {
    var tr = el("tr", "r-" + row.status);
    tr.dataset.status = row.status;
    [statusCell, resourceCell, sectionCell, findingCell, updatedCell, historyCell]
      .forEach(function (make) { tr.appendChild(make(row)); });
    row.haystack = [row.title, row.url || "", row.page_title || "", row.sections.join(" "),
                    row.reason, row.kind, row.opinion || ""].join(" ").toLowerCase();
    row.node = tr;
    return tr;
  }

  function fillSelect(id, values) {
    var select = document.getElementById(id);
    values.forEach(function (value) { select.appendChild(el("option", null, value)).value = value; });
  }

  function unique(pick) {
    var seen = {};
    rows.forEach(function (row) { [].concat(pick(row)).forEach(function (v) { seen[v] = true; }); });
    return Object.keys(seen);
  }

  function sectionOrder(a, b) {
    var pa = a.split(" ")[0].split(".").filter(Boolean).map(Number);
    var pb = b.split(" ")[0].split(".").filter(Boolean).map(Number);
    for (var i = 0; i < Math.max(pa.length, pb.length); i++) {
      var x = isNaN(pa[i]) ? 1e9 : (pa[i] || 0), y = isNaN(pb[i]) ? 1e9 : (pb[i] || 0);
      if (x !== y) { return x - y; }
    }
    return a < b ? -1 : 1;
  }

  function matches(row) {
    if (row.status === "none" && !state.nolink && state.status !== "none") { return false; }
    if (state.status === "unverified") {
      if (!row.unverified) { return false; }
    } else if (state.status !== "all" && row.status !== state.status) { return false; }
    if (state.kind && row.kind !== state.kind) { return false; }
    if (state.section && row.sections.indexOf(state.section) < 0) { return false; }
    if (state.fresh && row.freshness !== state.fresh) { return false; }
    return !state.q || row.haystack.indexOf(state.q) >= 0;
  }

  function apply() {
    var shown = 0, total = 0;
    rows.forEach(function (row) {
      if (row.status !== "none" || state.nolink) { total += 1; }
      var ok = matches(row);
      row.node.hidden = !ok;
      if (ok) { shown += 1; }
    });
    document.getElementById("shown").textContent = "Showing " + shown + " of " + total;
    document.getElementById("empty").hidden = shown > 0;
    document.querySelectorAll(".card").forEach(function (card) {
      card.setAttribute("aria-pressed", String(card.dataset.status === state.status));
    });
  }

  function bind(id, key, event, read) {
    document.getElementById(id).addEventListener(event, function (e) {
      state[key] = read(e.target);
      apply();
    });
  }

  var fragment = document.createDocumentFragment();
  rows.forEach(function (row) { fragment.appendChild(buildRow(row)); });
  tbody.appendChild(fragment);
  fillSelect("kind", unique(function (r) { return r.kind; }).sort());
  fillSelect("section", unique(function (r) { return r.sections; }).sort(sectionOrder));
  fillSelect("fresh", data.freshness);
  document.querySelectorAll(".card").forEach(function (card) {
    card.addEventListener("click", function () {
      state.status = state.status === card.dataset.status ? "all" : card.dataset.status;
      apply();
    });
  });
  document.querySelectorAll("[data-fresh]").forEach(function (chip) {
    chip.addEventListener("click", function () {
      var select = document.getElementById("fresh");
      state.fresh = select.value = state.fresh === chip.dataset.fresh ? "" : chip.dataset.fresh;
      apply();
    });
  });
  bind("q", "q", "input", function (t) { return t.value.trim().toLowerCase(); });
  bind("kind", "kind", "change", function (t) { return t.value; });
  bind("section", "section", "change", function (t) { return t.value; });
  bind("fresh", "fresh", "change", function (t) { return t.value; });
  bind("nolink", "nolink", "change", function (t) { return t.checked; });
  apply();
})();
