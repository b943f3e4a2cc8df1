// Drop files or folders; they go up in one request, then the job is polled file by file.
(function () {
  const drop = document.getElementById("drop");
  const table = document.getElementById("job");
  const status = document.getElementById("status");
  const states = JSON.parse(document.getElementById("states").textContent);
  const csrf = document.querySelector('meta[name="csrf-token"]').content;

  function readEntry(entry, path) {
    return new Promise((resolve) => {
      if (entry.isFile) {
        entry.file((file) => resolve([[file, path + file.name]]), () => resolve([]));
      } else if (entry.isDirectory) {
        const reader = entry.createReader();
        const all = [];
        const next = () => reader.readEntries(async (entries) => {
          if (!entries.length) return resolve(all);
          for (const e of entries) all.push(...(await readEntry(e, path + entry.name + "/")));
          next();
        }, () => resolve(all));
        next();
      } else resolve([]);
    });
  }

  async function send(pairs) {
    if (!pairs.length) return;
    const form = new FormData();
    for (const [file, name] of pairs) form.append("files", file, name);
    status.textContent = `正在上传 ${pairs.length} 个文件……`;
    const response = await fetch("/api/v1/uploads", {
      method: "POST", body: form, headers: { "X-CSRF-Token": csrf }, credentials: "same-origin",
    });
    const body = await response.json();
    if (!response.ok) {
      status.textContent = `上传失败：${body.error.message}`;
      status.className = "error";
      return;
    }
    show(body);
    poll(body.job_id);
  }

  function show(job) {
    table.hidden = false;
    const rows = job.files.map((f) => {
      const tr = document.createElement("tr");
      const link = f.document_id ? `<a href="/records/${f.document_id}">查看</a>` : "";
      tr.innerHTML = "<td></td><td></td><td></td><td></td>";
      tr.children[0].textContent = f.name;
      tr.children[1].textContent = states[f.state];
      tr.children[1].className = "state-" + f.state;
      tr.children[2].textContent = f.pages || "";
      tr.children[3].textContent = [f.reason_code, f.message].filter(Boolean).join("：");
      if (link) tr.children[3].insertAdjacentHTML("beforeend", " " + link);
      return tr;
    });
    table.tBodies[0].replaceChildren(...rows);
    status.className = "";
    status.textContent = `作业 ${job.job_id}：共 ${job.total} 个文件，完成 ${job.done}（入库 ${job.ok}，跳过 ${job.skipped}，失败 ${job.failed}）`;
  }

  async function poll(jobId) {
    const response = await fetch(`/api/v1/jobs/${jobId}`, { credentials: "same-origin" });
    if (!response.ok) return;
    const job = await response.json();
    show(job);
    if (job.status !== "finished") setTimeout(() => poll(jobId), 1000);
  }

  drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", async (e) => {
    e.preventDefault();
    drop.classList.remove("over");
    const entries = [...e.dataTransfer.items].map((i) => i.webkitGetAsEntry()).filter(Boolean);
    const pairs = [];
    for (const entry of entries) pairs.push(...(await readEntry(entry, "")));
    send(pairs);
  });
  for (const id of ["files", "folder"]) {
    document.getElementById(id).addEventListener("change", (e) => {
      send([...e.target.files].map((f) => [f, f.webkitRelativePath || f.name]));
    });
  }
})();
