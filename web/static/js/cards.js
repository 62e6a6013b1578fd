// A card sort in order mode (steps/cards.html), made quicker to sort by tapping: the cards
// tapped in turn get the places 1, 2, 3 … and a number badge; "Start again" clears them.
// The selects stay the form's fields (the page works without this script), and are kept a
// whole order at every moment. Listens on the document, so a card sort put into the page
// later (the phone of a live session) works too.
(() => {
  "use strict";

  const SORT = '[data-card-sort="order"]';
  const CARD = "[data-card-sort-card]";

  const cardsOf = (sort) => [...sort.querySelectorAll(CARD)];
  const selectOf = (card) => card.querySelector("select");
  const idOf = (card) => card.dataset.cardSortCard;
  const placeOf = (card) => Number(selectOf(card).value) || Infinity;
  const tappedOf = (sort) => (sort.dataset.cardSortTapped || "").split(" ").filter(Boolean);

  function byPlace(cards) {
    const index = new Map(cards.map((card, i) => [card, i]));
    return [...cards].sort((a, b) => placeOf(a) - placeOf(b) || index.get(a) - index.get(b));
  }

  // Give the cards the places 1 … n in this order, and show the badges of the tapped ones.
  function place(sort, ordered, tapped) {
    ordered.forEach((card, i) => {
      selectOf(card).value = String(i + 1);
      selectOf(card).dataset.cardSortPlace = String(i + 1);
    });
    sort.dataset.cardSortTapped = tapped.join(" ");
    for (const card of cardsOf(sort)) {
      const ranked = tapped.includes(idOf(card));
      card.classList.toggle("is-ranked", ranked);
      card.querySelector("[data-card-sort-badge]").textContent = ranked ? selectOf(card).value : "";
    }
  }

  function enhance(sort) {
    if (sort.dataset.cardSortReady) return;
    sort.dataset.cardSortReady = "1";
    sort.classList.add("is-tappable");
    for (const hidden of sort.querySelectorAll("[data-card-sort-tap], [data-card-sort-reset]")) {
      hidden.hidden = false;
    }
    place(sort, byPlace(cardsOf(sort)), []);
  }

  function enhanceAll(root) {
    if (root.matches?.(SORT)) enhance(root);
    for (const sort of root.querySelectorAll?.(SORT) || []) enhance(sort);
  }

  function tap(sort, card) {
    const tapped = tappedOf(sort);
    if (tapped.includes(idOf(card))) return;
    tapped.push(idOf(card));
    const cards = cardsOf(sort);
    let rest = byPlace(cards.filter((c) => !tapped.includes(idOf(c))));
    if (rest.length === 1) {  // the last card left can only go last
      tapped.push(idOf(rest[0]));
      rest = [];
    }
    const first = tapped.map((id) => cards.find((c) => idOf(c) === id));
    place(sort, [...first, ...rest], tapped);
  }

  document.addEventListener("click", (event) => {
    const reset = event.target.closest("[data-card-sort-reset]");
    const sort = event.target.closest(SORT);
    if (!sort) return;
    enhance(sort);
    if (reset) {
      place(sort, cardsOf(sort), []);
      return;
    }
    const card = event.target.closest(CARD);
    // The select itself is for choosing a place by hand (and by keyboard).
    if (!card || event.target.closest("select")) return;
    event.preventDefault();  // a tap on the label should not open the select
    tap(sort, card);
  });

  // A place chosen by hand swaps with the card that had it, so no two cards share a place.
  document.addEventListener("change", (event) => {
    const select = event.target.closest(`${SORT} ${CARD} select`);
    if (!select) return;
    const sort = select.closest(SORT);
    enhance(sort);
    const before = select.dataset.cardSortPlace;
    const other = cardsOf(sort).find(
      (card) => selectOf(card) !== select && selectOf(card).value === select.value,
    );
    if (other && before) selectOf(other).value = before;
    const ordered = byPlace(cardsOf(sort));
    const tapped = tappedOf(sort);
    place(sort, ordered, ordered.map(idOf).filter((id) => tapped.includes(id)));
  });

  enhanceAll(document);
  new MutationObserver((changes) => {
    for (const change of changes) {
      for (const node of change.addedNodes) if (node.nodeType === 1) enhanceAll(node);
    }
  }).observe(document.documentElement, { childList: true, subtree: true });
})();
