// Drag to order the pins of a front; the new order goes to the server at once (the move
// buttons do the same without script). Plain DOM drag and drop: the admin ships no library
// for it, and a sortable list of a dozen items needs none.
(function () {
  "use strict";
  const list = document.getElementById("front-pins");
  if (!list) return;
  const status = document.getElementById("front-order-status");
  const token = document.querySelector("input[name=csrfmiddlewaretoken]");
  let dragged = null;

  function order() {
    return Array.from(list.querySelectorAll("li.pin")).map((li) => Number(li.dataset.article));
  }

  function renumber() {
    list.querySelectorAll("li.pin .slot").forEach((slot, i) => {
      slot.textContent = i === 0 ? "Lead" : String(i + 1);
    });
  }

  function save() {
    const body = new FormData();
    body.append("order", JSON.stringify(order()));
    body.append("front", list.dataset.front);
    body.append("by", "script");
    if (token) body.append("csrfmiddlewaretoken", token.value);
    status.textContent = "Saving the order…";
    fetch(list.dataset.reorderUrl, { method: "POST", body: body, credentials: "same-origin" })
      .then((r) => r.json().then((data) => ({ ok: r.ok, data: data })))
      .then(({ ok, data }) => {
        if (!ok) throw new Error(data.error || "the order was not saved");
        status.textContent = "Order saved. Reload to see the front as readers will.";
      })
      .catch((err) => {
        status.textContent = "Not saved: " + err.message + ". Reloading…";
        setTimeout(() => window.location.reload(), 1500);
      });
  }

  list.addEventListener("dragstart", (e) => {
    dragged = e.target.closest("li.pin");
    if (!dragged) return;
    dragged.classList.add("dragging");
    e.dataTransfer.effectAllowed = "move";
    e.dataTransfer.setData("text/plain", dragged.dataset.article);
  });
  list.addEventListener("dragover", (e) => {
    const over = e.target.closest("li.pin");
    if (!dragged || !over || over === dragged) return;
    e.preventDefault();
    list.querySelectorAll(".over").forEach((li) => li.classList.remove("over"));
    over.classList.add("over");
  });
  list.addEventListener("drop", (e) => {
    const over = e.target.closest("li.pin");
    if (!dragged || !over || over === dragged) return;
    e.preventDefault();
    const items = Array.from(list.children);
    const before = items.indexOf(dragged) > items.indexOf(over) ? over : over.nextSibling;
    list.insertBefore(dragged, before);
    renumber();
    save();
  });
  list.addEventListener("dragend", () => {
    if (dragged) dragged.classList.remove("dragging");
    list.querySelectorAll(".over").forEach((li) => li.classList.remove("over"));
    dragged = null;
  });
})();
