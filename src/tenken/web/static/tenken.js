// tenken serve: the board follows the station (server-sent events), the forms take a pasted or dropped
// screenshot, and an IMEI is checked (Luhn) before it is sent. Every string from the station is put in the
// page as text (textContent), never as markup.
"use strict";

function tileFor(board, port) {
  for (const tile of board.querySelectorAll("li.tile")) {
    if (tile.dataset.port === port) return tile;
  }
  const template = document.getElementById("tile-template");
  const tile = template.content.querySelector("li.tile").cloneNode(true);
  tile.dataset.port = port;
  board.appendChild(tile);
  return tile;
}

function fillTile(tile, data) {
  tile.querySelector(".port").textContent = data.port;
  const open = tile.querySelector("a.open");
  open.textContent = data.phone ? data.phone.words : "";
  if (data.inspection_id) open.setAttribute("href", "/phones/" + encodeURIComponent(data.inspection_id));
  else open.removeAttribute("href");
  const stage = tile.querySelector(".stage");
  stage.className = "stage stage-" + data.stage;
  stage.textContent = data.stage_words;
  for (const channel of tile.querySelectorAll(".channel")) {
    const key = channel.dataset.channel;
    const level = data.levels[key];
    const shown = channel.querySelector("dd");
    shown.className = level ? "level-" + level.toLowerCase() : "";
    shown.textContent = data.level_words[key] || "";
  }
  tile.querySelector(".reason").textContent = data.first_reason ? data.first_reason.text : "";
  const marker = tile.querySelector(".marker");
  const free = data.stage === "free";
  marker.textContent = !data.attached ? marker.dataset.unplugged : free ? marker.dataset.free : "";
  tile.classList.toggle("unplugged", !data.attached);
  tile.classList.toggle("free", free);
}

function fillFooter(footer, tasks) {
  const counts = document.getElementById("counts");
  counts.replaceChildren(
    ...footer.count_words.map((count) => {
      const item = document.createElement("li");
      item.className = "count-" + count.key.toLowerCase();
      item.textContent = count.text + " ";
      const number = document.createElement("span");
      number.textContent = String(count.count);
      item.appendChild(number);
      return item;
    })
  );
  document.getElementById("kept").textContent = String(footer.kept);
  document.getElementById("station").textContent = footer.station;
  document.getElementById("problems").replaceChildren(
    ...footer.problems.map((problem) => {
      const item = document.createElement("li");
      item.textContent = problem.text;
      return item;
    })
  );
  const link = document.getElementById("task-count");
  link.textContent = link.dataset.template.replace("{count}", String(tasks));
}

function follow(board) {
  const lang = document.documentElement.lang;
  const status = document.getElementById("connection");
  const events = new EventSource("/events?lang=" + encodeURIComponent(lang));
  events.addEventListener("tiles", (event) => {
    const message = JSON.parse(event.data);
    for (const data of message.ports) fillTile(tileFor(board, data.port), data);
    for (const port of message.order) board.appendChild(tileFor(board, port)); // the board's order
    fillFooter(message.footer, message.tasks);
    status.textContent = "";
    board.dataset.updated = String(Number(board.dataset.updated || "0") + 1);
  });
  events.addEventListener("error", () => {
    status.textContent = board.dataset.lost;
  });
}

function luhn(digits) {
  let sum = 0;
  for (let index = 0; index < digits.length; index++) {
    let digit = Number(digits[digits.length - 1 - index]);
    if (index % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

function takeImage(form, file) {
  if (!file || !["image/png", "image/jpeg"].includes(file.type)) return false;
  const input = form.querySelector('input[type="file"]');
  const files = new DataTransfer();
  files.items.add(file);
  input.files = files.files;
  form.querySelector(".paste").textContent = file.name || "screenshot";
  return true;
}

function copyButtons() {
  for (const button of document.querySelectorAll("button.copy")) {
    button.addEventListener("click", () => {
      // Selected first, so Ctrl-C copies it wherever the clipboard is not offered (a LAN address over
      // http is not a secure context); then the clipboard itself where it is.
      const shown = document.getElementById(button.getAttribute("aria-describedby"));
      const range = document.createRange();
      range.selectNodeContents(shown);
      window.getSelection().removeAllRanges();
      window.getSelection().addRange(range);
      if (navigator.clipboard) {
        navigator.clipboard.writeText(button.dataset.copy).then(
          () => { button.textContent = document.body.dataset.copied || button.textContent; },
          () => {}
        );
      }
    });
  }
}

function forms() {
  for (const input of document.querySelectorAll("input[data-luhn]")) {
    input.addEventListener("input", () => {
      const value = input.value.trim();
      const wrong = /^[0-9]{15}$/.test(value) && !luhn(value);
      input.setCustomValidity(wrong ? input.dataset.luhn : "");
    });
  }
  for (const form of document.querySelectorAll("form.record")) {
    const zone = form.querySelector(".paste");
    if (!zone) continue; // a form that takes no screenshot (the grade's photos are chosen files)
    form.addEventListener("paste", (event) => {
      for (const item of event.clipboardData.items) {
        if (item.kind === "file" && takeImage(form, item.getAsFile())) {
          event.preventDefault();
          return;
        }
      }
    });
    zone.addEventListener("dragover", (event) => event.preventDefault());
    zone.addEventListener("drop", (event) => {
      event.preventDefault();
      takeImage(form, event.dataTransfer.files[0]);
    });
    zone.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        form.querySelector('input[type="file"]').click();
      }
    });
  }
}

document.addEventListener("DOMContentLoaded", () => {
  const board = document.getElementById("board");
  if (board) follow(board);
  forms();
  copyButtons();
});
