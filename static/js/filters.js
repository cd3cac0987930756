// Progressive enhancement of the list's forms: a ticked or unticked box, and a choice in a
// list (the territory, the order), apply at once, so nobody has to scroll to « Appliquer les
// filtres » (which stays, sticky, for what is typed and for visitors without JavaScript).
// The form says so first (WCAG 3.2.2). A choice made with the arrow keys on a closed list
// waits for Enter or for the focus to leave the list, so that moving through the options
// with the keyboard never reloads the page at each step.
(function () {
  "use strict";
  var form = document.getElementById("filtres");
  if (!form) { return; }
  var hint = document.createElement("p");
  hint.className = "hint";
  hint.textContent = "Chaque case cochée ou décochée et chaque choix dans une liste met la liste à jour aussitôt.";
  form.insertBefore(hint, form.firstChild);

  var MOVES = ["ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight", "PageUp", "PageDown", "Home", "End"];

  function send(target) {
    var owner = target.form;
    if (owner.requestSubmit) { owner.requestSubmit(); } else { owner.submit(); }
  }

  form.addEventListener("change", function (event) {
    if (event.target.type === "checkbox") {
      form.submit();
    }
  });

  Array.prototype.forEach.call(
    document.querySelectorAll("#filtres select, #tri-form select"),
    function (select) {
      var keyed = false;
      var waiting = false;
      select.addEventListener("keydown", function (event) {
        if (event.key === "Enter" && waiting) {
          event.preventDefault();
          send(select);
        } else {
          keyed = MOVES.indexOf(event.key) >= 0 || event.key.length === 1;
        }
      });
      select.addEventListener("mousedown", function () { keyed = false; });
      select.addEventListener("change", function () {
        if (keyed) {
          waiting = true;
        } else {
          send(select);
        }
      });
      select.addEventListener("blur", function () {
        if (waiting) { send(select); }
      });
    }
  );
})();
