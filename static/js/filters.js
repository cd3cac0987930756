// Progressive enhancement of the filter form: apply a filter as soon as it changes.
// Without JavaScript the "Appliquer les filtres" button does the same.
(function () {
  "use strict";
  var form = document.getElementById("filtres");
  if (!form) { return; }
  form.addEventListener("change", function (event) {
    var target = event.target;
    if (target.type === "checkbox" || target.tagName === "SELECT") {
      form.submit();
    }
  });
})();
