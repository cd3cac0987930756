// Suggestions as you type in a search box (the WAI-ARIA combobox pattern, list autocomplete):
// an input with data-suggestions="<the endpoint>" becomes a combobox whose listbox shows the
// territories, themes, actors and examples whose words begin with what is typed
// (/exemples/suggestions/, docs/public-interface.md). Down and Up move through them, Enter
// opens the highlighted one (a territory or a theme: the list filtered on it; an actor or an
// example: its page), Escape closes them; with nothing highlighted, Enter sends the form as
// it always did. Without JavaScript the box is the plain form it was.
(function () {
  "use strict";
  var DELAY = 150; // ms of pause in typing before asking
  var MIN_LENGTH = 2;

  function plural(count, one, many) {
    return count + " " + (count === 1 ? one : many);
  }

  function enhance(input, number) {
    var endpoint = input.getAttribute("data-suggestions");
    var host = input.parentNode;
    var listId = "suggestions-" + number;
    var list = document.createElement("div");
    list.id = listId;
    list.className = "suggestions";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Suggestions");
    list.hidden = true;
    var status = document.createElement("div");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    host.classList.add("suggest-host");
    input.insertAdjacentElement("afterend", list);
    list.insertAdjacentElement("afterend", status);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);
    input.setAttribute("autocomplete", "off");

    var options = [];
    var active = -1;
    var timer = null;
    var pending = null;
    var asked = "";

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function open() {
      if (!options.length) { return; }
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function highlight(index) {
      if (active >= 0) { options[active].setAttribute("aria-selected", "false"); }
      active = index;
      if (index < 0) {
        input.removeAttribute("aria-activedescendant");
        return;
      }
      var option = options[index];
      option.setAttribute("aria-selected", "true");
      input.setAttribute("aria-activedescendant", option.id);
      option.scrollIntoView({ block: "nearest" });
    }

    function choose(option) {
      close();
      window.location.assign(option.getAttribute("data-url"));
    }

    function show(groups) {
      list.textContent = "";
      options = [];
      active = -1;
      groups.forEach(function (group, g) {
        var box = document.createElement("div");
        box.setAttribute("role", "group");
        var title = document.createElement("div");
        title.id = listId + "-groupe-" + g;
        title.className = "suggestions-title";
        title.setAttribute("role", "presentation");
        title.textContent = group.titre;
        box.setAttribute("aria-labelledby", title.id);
        box.appendChild(title);
        group.suggestions.forEach(function (item) {
          var option = document.createElement("div");
          option.id = listId + "-" + options.length;
          option.className = "suggestion";
          option.setAttribute("role", "option");
          option.setAttribute("aria-selected", "false");
          option.setAttribute("data-url", item.url);
          var label = document.createElement("span");
          label.className = "suggestion-label";
          label.textContent = item.libelle;
          option.appendChild(label);
          var detail = document.createElement("span");
          detail.className = "suggestion-detail";
          detail.textContent = item.precision +
            (typeof item.nombre === "number" ? " · " + plural(item.nombre, "exemple", "exemples") : "");
          option.appendChild(detail);
          box.appendChild(option);
          options.push(option);
        });
        list.appendChild(box);
      });
      status.textContent = options.length
        ? plural(options.length, "suggestion", "suggestions") + " ; flèche bas pour les parcourir"
        : "Aucune suggestion";
      if (options.length && document.activeElement === input) { open(); } else { close(); }
    }

    function ask() {
      var text = input.value.trim();
      if (text === asked) { return; }
      asked = text;
      if (pending) { pending.abort(); pending = null; }
      if (text.length < MIN_LENGTH) {
        show([]);
        status.textContent = "";
        return;
      }
      pending = new AbortController();
      fetch(endpoint + "?q=" + encodeURIComponent(text), {
        headers: { Accept: "application/json" },
        signal: pending.signal
      })
        // A refusal (too many requests) closes the list without a word: typing goes on.
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (!data) {
            close();
            return;
          }
          // An older answer arriving late is not shown over a newer question.
          if (data.q === input.value.trim()) { show(data.groupes || []); }
        })
        .catch(function (error) {
          if (error.name !== "AbortError") { close(); }
        });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, DELAY);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (!options.length) { return; }
        event.preventDefault();
        if (list.hidden) {
          open();
          highlight(event.key === "ArrowDown" ? 0 : options.length - 1);
          return;
        }
        var step = event.key === "ArrowDown" ? 1 : -1;
        highlight((active + step + options.length + (active < 0 && step < 0 ? 1 : 0)) % options.length);
      } else if (event.key === "Enter") {
        if (!list.hidden && active >= 0) {
          event.preventDefault();
          choose(options[active]);
        }
      } else if (event.key === "Escape") {
        if (!list.hidden) {
          event.preventDefault();
          close();
        }
      }
    });
    input.addEventListener("blur", close);
    // A click chooses; pressing the pointer must not blur the input first.
    list.addEventListener("mousedown", function (event) { event.preventDefault(); });
    list.addEventListener("click", function (event) {
      var option = event.target.closest("[role=option]");
      if (option) { choose(option); }
    });
  }

  if (!window.fetch || !window.AbortController) { return; }
  Array.prototype.forEach.call(document.querySelectorAll("input[data-suggestions]"), enhance);
})();
