// Draws the clusters and flagged documents of report.html from the JSON blob
// in #report-data. Document text only ever reaches the page through
// textContent and attribute setters: never as markup.
(function () {
  "use strict";

  var PAGE_SIZE = 20;
  var OPEN_FIRST = 3;
  var CATEGORY_ORDER = ["spin", "grammar", "incoherence", "metadata", "boilerplate", "repetition", "heuristic"];

  var data = JSON.parse(document.getElementById("report-data").textContent);
  var docs = data.docs;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function fixed(value, digits) {
    return typeof value === "number" ? value.toFixed(digits) : "–";
  }

  function words(name) {
    return String(name).replace(/_/g, " ");
  }

  function cssToken(name) {
    return String(name).replace(/[^a-z0-9_-]/gi, "_");
  }

  function chip(kind, name, label) {
    return el("span", "chip " + kind + "-" + cssToken(name), label === undefined ? words(name) : label);
  }

  function clip(text, max) {
    return text.length > max ? text.slice(0, max - 1) + "…" : text;
  }

  // ---- Tooltip: one floating element shared by every highlighted span.

  var tip = el("div", "tip");
  tip.id = "tip";
  tip.setAttribute("role", "tooltip");
  tip.hidden = true;
  document.body.appendChild(tip);

  function showTip(target) {
    var text = target.getAttribute("data-tip");
    if (!text) return;
    tip.textContent = text;
    tip.hidden = false;
    var box = target.getBoundingClientRect();
    var width = tip.offsetWidth;
    var left = Math.max(8, Math.min(box.left + window.scrollX, window.scrollX + document.documentElement.clientWidth - width - 8));
    var top = box.bottom + window.scrollY + 6;
    if (box.bottom + tip.offsetHeight + 12 > window.innerHeight) {
      top = box.top + window.scrollY - tip.offsetHeight - 6;
    }
    tip.style.left = left + "px";
    tip.style.top = top + "px";
  }

  function hideTip() {
    tip.hidden = true;
  }

  function tipTarget(event) {
    var node = event.target;
    return node && node.closest ? node.closest("[data-tip]") : null;
  }

  document.addEventListener("mouseover", function (event) {
    var target = tipTarget(event);
    if (target) showTip(target);
  });
  document.addEventListener("mouseout", function (event) {
    if (tipTarget(event)) hideTip();
  });
  document.addEventListener("focusin", function (event) {
    var target = tipTarget(event);
    if (target) showTip(target);
  });
  document.addEventListener("focusout", hideTip);
  window.addEventListener("scroll", hideTip, { passive: true });

  // ---- Highlighted text.

  // Write `text` into `container`, wrapping each span {start, end, className,
  // tip, key} (UTF-16 offsets) in a <mark>. Overlapping spans split the text
  // at every boundary; the first span (by the caller's order) picks the class
  // and all of them add their tip. Empty spans become a small gap marker.
  function renderSpans(container, text, spans) {
    var points = [0, text.length];
    spans.forEach(function (span) {
      points.push(span.start, span.end);
    });
    points = points
      .filter(function (p) { return p >= 0 && p <= text.length; })
      .sort(function (x, y) { return x - y; })
      .filter(function (p, i, all) { return i === 0 || p !== all[i - 1]; });

    var gaps = spans.filter(function (s) { return s.start === s.end; });
    var ranges = spans.filter(function (s) { return s.start < s.end; });

    for (var i = 0; i < points.length; i++) {
      var at = points[i];
      gaps.forEach(function (gap) {
        if (gap.start === at) container.appendChild(marker(gap));
      });
      if (i + 1 >= points.length) break;
      var next = points[i + 1];
      var piece = text.slice(at, next);
      var active = ranges.filter(function (s) { return s.start <= at && s.end >= next; });
      if (active.length === 0) {
        container.appendChild(document.createTextNode(piece));
        continue;
      }
      var mark = el("mark", active[0].className, piece);
      mark.setAttribute("data-tip", active.map(function (s) { return s.tip; }).join("\n"));
      mark.setAttribute("data-key", active[0].key);
      mark.tabIndex = 0;
      container.appendChild(mark);
    }
  }

  function marker(gap) {
    var node = el("span", "gap " + gap.className);
    node.setAttribute("data-tip", gap.tip);
    node.setAttribute("data-key", gap.key);
    node.setAttribute("aria-label", gap.tip);
    node.tabIndex = 0;
    return node;
  }

  // Hovering one side of an edit lights up the other side too.
  function linkKeys(container) {
    function toggle(event, on) {
      var node = event.target && event.target.closest ? event.target.closest("[data-key]") : null;
      if (!node || !container.contains(node)) return;
      var key = node.getAttribute("data-key");
      container.querySelectorAll("[data-key]").forEach(function (other) {
        if (other.getAttribute("data-key") === key) other.classList.toggle("linked", on);
      });
    }
    container.addEventListener("mouseover", function (event) { toggle(event, true); });
    container.addEventListener("mouseout", function (event) { toggle(event, false); });
  }

  function cutNote(doc) {
    if (!doc.cut_from) return null;
    return el(
      "p",
      "cut-note",
      "Showing the first " + doc.text.length.toLocaleString("en") + " of " + doc.cut_from.toLocaleString("en") +
        " characters; the full text is in the input."
    );
  }

  // ---- Filters.

  var filters = { search: "", relation: "", category: "", minQuality: null, maxQuality: null };

  function filtersActive() {
    return filters.search !== "" || filters.relation !== "" || filters.category !== "" ||
      filters.minQuality !== null || filters.maxQuality !== null;
  }

  function docMatches(doc) {
    if (filters.search) {
      var needle = filters.search;
      if (doc.id.toLowerCase().indexOf(needle) < 0 && doc.text.toLowerCase().indexOf(needle) < 0) return false;
    }
    if (filters.relation && doc.rel !== filters.relation) return false;
    if (filters.category && !doc.flags.some(function (f) { return f.cat === filters.category; })) return false;
    if (filters.minQuality !== null || filters.maxQuality !== null) {
      if (!doc.scores) return false;
      var quality = doc.scores[0];
      if (filters.minQuality !== null && quality < filters.minQuality) return false;
      if (filters.maxQuality !== null && quality > filters.maxQuality) return false;
    }
    return true;
  }

  // The members of a cluster to show under the current filters, or null to hide it.
  function visibleMembers(cluster) {
    if (!filtersActive()) return cluster.members;
    var matching = cluster.members.filter(function (m) { return docMatches(docs[m.doc]); });
    if (matching.length > 0) return matching;
    if (!filters.relation && docMatches(docs[cluster.rep])) return cluster.members;
    return null;
  }

  // ---- Clusters.

  var clusterList = document.getElementById("cluster-list");
  var moreClusters = document.getElementById("more-clusters");
  var clusterView = { items: [], shown: 0 };

  function relationCounts(members) {
    var counts = {};
    members.forEach(function (m) {
      var rel = docs[m.doc].rel || (m.pair !== null ? data.pairs[m.pair].rel : "linked");
      counts[rel] = (counts[rel] || 0) + 1;
    });
    return counts;
  }

  function clusterCard(item, open) {
    var cluster = item.cluster;
    var rep = docs[cluster.rep];
    var card = el("details", "card cluster");
    card.id = "cluster-" + cluster.id;
    var summary = el("summary", "card-head");
    summary.appendChild(el("span", "card-title", "Cluster " + cluster.id));
    summary.appendChild(el("span", "pill", cluster.size + " documents"));
    var repLabel = el("span", "muted", "representative ");
    repLabel.appendChild(el("code", "doc-id", rep.id));
    summary.appendChild(repLabel);
    var counts = relationCounts(item.members);
    Object.keys(counts).sort().forEach(function (rel) {
      summary.appendChild(chip("rel", rel, words(rel) + " × " + counts[rel]));
    });
    card.appendChild(summary);

    var rendered = false;
    function renderBody() {
      if (rendered) return;
      rendered = true;
      var body = el("div", "card-body");
      item.members.forEach(function (member) {
        body.appendChild(comparison(cluster, member));
      });
      var hidden = cluster.members.length - item.members.length;
      if (hidden > 0) {
        body.appendChild(el("p", "note", hidden + " member" + (hidden === 1 ? "" : "s") + " hidden by the filters."));
      }
      if (cluster.more > 0) {
        body.appendChild(el("p", "note", "+" + cluster.more.toLocaleString("en") + " more member" +
          (cluster.more === 1 ? "" : "s") + " not shown; see " + data.files.clusters + "."));
      }
      card.appendChild(body);
    }
    card.addEventListener("toggle", function () {
      if (card.open) renderBody();
    });
    if (open) {
      card.open = true;
      renderBody();
    }
    return card;
  }

  function stat(label, value) {
    var node = el("span", "metric");
    node.appendChild(el("span", "metric-label", label));
    node.appendChild(el("span", "metric-value", value));
    return node;
  }

  // A member beside its representative, edits highlighted on both sides.
  function comparison(cluster, member) {
    var rep = docs[cluster.rep];
    var doc = docs[member.doc];
    var pair = member.pair === null ? null : data.pairs[member.pair];
    var box = el("div", "compare");

    var head = el("div", "compare-head");
    var title = el("span", "compare-title");
    title.appendChild(el("code", "doc-id", doc.id));
    head.appendChild(title);
    var rel = doc.rel || (pair && pair.rel);
    if (rel) head.appendChild(chip("rel", rel));
    if (pair) {
      head.appendChild(stat("Jaccard", fixed(pair.jaccard, 2)));
      head.appendChild(stat("copy in rep.", fixed(pair.containment[1], 2)));
      head.appendChild(stat("rep. in copy", fixed(pair.containment[0], 2)));
      if (pair.similarity !== null) head.appendChild(stat("alignment", fixed(pair.similarity, 2)));
      var counts = [0, 0, 0];
      pair.edits.forEach(function (e) { counts[e[0]]++; });
      head.appendChild(stat("edits", counts[0] + " replaced · " + counts[2] + " dropped · " + counts[1] + " added"));
      if (pair.source) {
        var source = el("span", "source-note");
        source.appendChild(el("span", "badge", "likely source"));
        source.appendChild(el("code", "doc-id", pair.source === "left" ? rep.id : doc.id));
        head.appendChild(source);
      }
    }
    if (doc.flags.length && data.flagged.indexOf(member.doc) >= 0) {
      var flagLink = el("a", "flag-link", doc.flags.length + " flag" + (doc.flags.length === 1 ? "" : "s"));
      flagLink.href = "#doc-" + member.doc;
      head.appendChild(flagLink);
    }
    box.appendChild(head);

    if (!pair) {
      box.appendChild(el("p", "note", "No direct pair with the representative is recorded (this copy joined the cluster through another member); texts are shown as they are."));
    } else if (pair.edits.length === 0) {
      box.appendChild(el("p", "note", pair.edits_cut > 0
        ? "The edits of this pair lie beyond the text shown."
        : "No word-level edits are recorded for this pair; texts are shown as they are."));
    } else if (pair.edits_cut > 0) {
      box.appendChild(el("p", "note", pair.edits_cut + " more edits lie beyond the text shown."));
    }

    var leftSpans = [];
    var rightSpans = [];
    if (pair) {
      pair.edits.forEach(function (e, i) {
        var op = e[0];
        var leftText = rep.text.slice(e[1], e[2]);
        var rightText = doc.text.slice(e[3], e[4]);
        var key = "e" + i;
        if (op === 0) {
          leftSpans.push({ start: e[1], end: e[2], className: "ed ed-replace", key: key, tip: "replaced by “" + clip(rightText, 80) + "”" });
          rightSpans.push({ start: e[3], end: e[4], className: "ed ed-replace", key: key, tip: "replaces “" + clip(leftText, 80) + "”" });
        } else if (op === 1) {
          leftSpans.push({ start: e[1], end: e[2], className: "ed-gap-insert", key: key, tip: "the copy adds “" + clip(rightText, 80) + "” here" });
          rightSpans.push({ start: e[3], end: e[4], className: "ed ed-insert", key: key, tip: "only in the copy" });
        } else {
          leftSpans.push({ start: e[1], end: e[2], className: "ed ed-delete", key: key, tip: "dropped in the copy" });
          rightSpans.push({ start: e[3], end: e[4], className: "ed-gap-delete", key: key, tip: "the copy drops “" + clip(leftText, 80) + "” here" });
        }
      });
    }

    var grid = el("div", "sides");
    grid.appendChild(side("Representative", rep, leftSpans, pair && pair.source === "left"));
    grid.appendChild(side("Copy", doc, rightSpans, pair && pair.source === "right"));
    linkKeys(grid);
    box.appendChild(grid);
    return box;
  }

  function side(label, doc, spans, isSource) {
    var column = el("div", "side");
    var head = el("div", "side-head");
    head.appendChild(el("span", "side-label", label));
    head.appendChild(el("code", "doc-id", doc.id));
    if (isSource) head.appendChild(el("span", "badge", "source"));
    column.appendChild(head);
    var text = el("div", "doc-text");
    renderSpans(text, doc.text, spans);
    column.appendChild(text);
    var note = cutNote(doc);
    if (note) column.appendChild(note);
    return column;
  }

  // ---- Flagged documents.

  var flaggedList = document.getElementById("flagged-list");
  var moreFlagged = document.getElementById("more-flagged");
  var flaggedView = { items: [], shown: 0 };

  function meter(label, value, good) {
    var node = el("span", "meter");
    node.appendChild(el("span", "meter-label", label));
    var track = el("span", "meter-track");
    var share = Math.max(0, Math.min(1, value));
    // Colour says how worrying the value is: low quality or high spin is red.
    var concern = good ? 1 - share : share;
    var fill = el("span", "meter-fill " + (concern >= 0.5 ? "high" : concern >= 0.2 ? "mid" : "low"));
    fill.style.width = (share * 100).toFixed(0) + "%";
    track.appendChild(fill);
    node.appendChild(track);
    node.appendChild(el("span", "meter-value", fixed(value, 2)));
    return node;
  }

  function flaggedCard(slot) {
    var doc = docs[slot];
    var card = el("article", "card flagged");
    card.id = "doc-" + slot;
    var head = el("div", "card-head static");
    head.appendChild(el("code", "card-title doc-id", doc.id));
    if (doc.rel) head.appendChild(chip("rel", doc.rel));
    if (doc.cluster !== null && doc.cluster !== undefined) {
      var link = el("a", "pill", "cluster " + doc.cluster);
      link.href = "#cluster-" + doc.cluster;
      head.appendChild(link);
    }
    if (doc.scores) {
      var meters = el("span", "meters");
      meters.appendChild(meter("quality", doc.scores[0], true));
      meters.appendChild(meter("spin", doc.scores[1], false));
      meters.appendChild(meter("incoherence", doc.scores[2], false));
      head.appendChild(meters);
    }
    card.appendChild(head);

    var byCategory = {};
    doc.flags.forEach(function (f) { byCategory[f.cat] = (byCategory[f.cat] || 0) + 1; });
    var chips = el("div", "chips");
    Object.keys(byCategory).sort(categorySort).forEach(function (cat) {
      chips.appendChild(chip("cat", cat, cat + " × " + byCategory[cat]));
    });
    card.appendChild(chips);

    var order = doc.flags.map(function (f, i) { return i; });
    order.sort(function (x, y) { return doc.flags[y].score - doc.flags[x].score || x - y; });
    var spans = [];
    order.forEach(function (i) {
      var flag = doc.flags[i];
      if (!flag.span) return;
      spans.push({
        start: flag.span[0],
        end: flag.span[1],
        className: "fl cat-" + cssToken(flag.cat),
        key: "f" + i,
        tip: flag.cat + " · " + words(flag.rule) + ": " + flag.msg
      });
    });
    var body = el("div", "card-body");
    var text = el("div", "doc-text single");
    renderSpans(text, doc.text, spans);
    body.appendChild(text);
    var note = cutNote(doc);
    if (note) body.appendChild(note);

    var list = el("ol", "flag-list");
    doc.flags.forEach(function (flag, i) {
      var item = el("li", "flag-item");
      item.appendChild(chip("cat", flag.cat, flag.cat));
      item.appendChild(el("span", "rule", words(flag.rule)));
      if (flag.text) item.appendChild(el("q", "flag-text", clip(flag.text, 120)));
      item.appendChild(el("span", "flag-message", flag.msg));
      item.appendChild(el("span", "flag-score", "score " + fixed(flag.score, 2)));
      if (flag.span) {
        item.tabIndex = 0;
        item.classList.add("jump");
        var jump = function () {
          var marks = text.querySelectorAll('[data-key="f' + i + '"]');
          if (!marks.length) return;
          marks[0].scrollIntoView({ block: "center", behavior: "smooth" });
          marks.forEach(function (m) {
            m.classList.remove("flash");
            void m.offsetWidth;
            m.classList.add("flash");
          });
        };
        item.addEventListener("click", jump);
        item.addEventListener("keydown", function (event) {
          if (event.key === "Enter" || event.key === " ") {
            event.preventDefault();
            jump();
          }
        });
      } else {
        item.appendChild(el("span", "muted", flag.whole ? "(whole document)" : "(beyond the text shown)"));
      }
      list.appendChild(item);
    });
    body.appendChild(list);
    card.appendChild(body);
    return card;
  }

  function categorySort(x, y) {
    var i = CATEGORY_ORDER.indexOf(x);
    var j = CATEGORY_ORDER.indexOf(y);
    if (i < 0) i = CATEGORY_ORDER.length;
    if (j < 0) j = CATEGORY_ORDER.length;
    return i - j || (x < y ? -1 : x > y ? 1 : 0);
  }

  // ---- Paging and filtering.

  function showMore(view, list, button, make) {
    var end = Math.min(view.items.length, view.shown + PAGE_SIZE);
    var fragment = document.createDocumentFragment();
    for (var i = view.shown; i < end; i++) fragment.appendChild(make(view.items[i], i));
    list.appendChild(fragment);
    view.shown = end;
    var left = view.items.length - end;
    button.hidden = left <= 0;
    button.textContent = button.id === "more-clusters"
      ? "Show more clusters (" + left.toLocaleString("en") + " left)"
      : "Show more documents (" + left.toLocaleString("en") + " left)";
  }

  function emptyNote(list, what) {
    list.appendChild(el("p", "empty", filtersActive() ? "No " + what + " match the filters." : "No " + what + " in this run."));
  }

  function applyFilters() {
    clusterView.items = [];
    data.clusters.forEach(function (cluster) {
      var members = visibleMembers(cluster);
      if (members) clusterView.items.push({ cluster: cluster, members: members });
    });
    clusterView.shown = 0;
    clusterList.textContent = "";
    if (clusterView.items.length === 0) emptyNote(clusterList, "clusters");
    showMore(clusterView, clusterList, moreClusters, function (item, i) {
      return clusterCard(item, i < OPEN_FIRST);
    });

    flaggedView.items = data.flagged.filter(function (slot) { return docMatches(docs[slot]); });
    flaggedView.shown = 0;
    flaggedList.textContent = "";
    if (flaggedView.items.length === 0) emptyNote(flaggedList, "flagged documents");
    showMore(flaggedView, flaggedList, moreFlagged, flaggedCard);

    var status = document.getElementById("filter-status");
    status.textContent = filtersActive()
      ? clusterView.items.length + " of " + data.clusters.length + " clusters and " + flaggedView.items.length +
        " of " + data.flagged.length + " flagged documents match. Search covers the documents inlined in this page."
      : "Search and filters cover the " + docs.length.toLocaleString("en") + " documents inlined in this page.";
  }

  moreClusters.addEventListener("click", function () {
    showMore(clusterView, clusterList, moreClusters, function (item) { return clusterCard(item, false); });
  });
  moreFlagged.addEventListener("click", function () {
    showMore(flaggedView, flaggedList, moreFlagged, flaggedCard);
  });

  function fillSelect(id, values) {
    var select = document.getElementById(id);
    values.forEach(function (value) {
      var option = el("option", null, words(value));
      option.value = value;
      select.appendChild(option);
    });
    return select;
  }

  function readQuality(input) {
    var value = parseFloat(input.value);
    return isNaN(value) ? null : value;
  }

  var searchInput = document.getElementById("filter-search");
  var relationSelect = fillSelect("filter-relation", data.relations);
  var categorySelect = fillSelect("filter-category", data.categories.slice().sort(categorySort));
  var minInput = document.getElementById("filter-min-quality");
  var maxInput = document.getElementById("filter-max-quality");

  function readFilters() {
    filters.search = searchInput.value.trim().toLowerCase();
    filters.relation = relationSelect.value;
    filters.category = categorySelect.value;
    filters.minQuality = readQuality(minInput);
    filters.maxQuality = readQuality(maxInput);
    applyFilters();
  }

  var pending = null;
  searchInput.addEventListener("input", function () {
    clearTimeout(pending);
    pending = setTimeout(readFilters, 150);
  });
  [relationSelect, categorySelect, minInput, maxInput].forEach(function (input) {
    input.addEventListener("change", readFilters);
  });
  minInput.addEventListener("input", readFilters);
  maxInput.addEventListener("input", readFilters);
  document.getElementById("filter-reset").addEventListener("click", function () {
    searchInput.value = "";
    relationSelect.value = "";
    categorySelect.value = "";
    minInput.value = "";
    maxInput.value = "";
    readFilters();
  });

  // Filters can come with the link: report.html#search=ferry&category=spin
  // (also search, relation, min, max), so a view can be shared.
  function filtersFromHash() {
    var hash = window.location.hash.slice(1);
    if (hash.indexOf("=") < 0) return;
    hash.split("&").forEach(function (part) {
      var at = part.indexOf("=");
      if (at < 0) return;
      var value;
      try {
        value = decodeURIComponent(part.slice(at + 1).replace(/\+/g, " "));
      } catch (error) {
        return;
      }
      var key = part.slice(0, at);
      if (key === "search") searchInput.value = value;
      else if (key === "relation") relationSelect.value = value;
      else if (key === "category") categorySelect.value = value;
      else if (key === "min") minInput.value = value;
      else if (key === "max") maxInput.value = value;
    });
  }

  filtersFromHash();
  readFilters();
  document.body.setAttribute("data-ready", "1");
})();
