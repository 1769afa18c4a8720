// The peers of bench/peers.py: one process rendering every paper of a job list, as a user's loop would.
//
//   node render.js docxtemplater|carbone JOBS.json
//
// JOBS.json: [{"template": path, "out": path, "context": {...}}, ...] (bench/peers.py writes it). Per paper
// the loop reads the template from disk, renders it and writes the .docx, as bench/baseline.py does with
// plain docxtpl. Prints the seconds spent in the loop (the process is timed from outside).
"use strict";

const fs = require("fs");

function docxtemplater(jobs, done) {
  const PizZip = require("pizzip");
  const Docxtemplater = require("docxtemplater");
  for (const job of jobs) {
    const zip = new PizZip(fs.readFileSync(job.template, "binary"));
    // {@body}: a pre-built WordprocessingML body, inserted as it is (the free core's raw XML tag)
    const doc = new Docxtemplater(zip, { paragraphLoop: true, linebreaks: false });
    doc.render(job.context);
    fs.writeFileSync(job.out, doc.getZip().generate({ type: "nodebuffer", compression: "DEFLATE" }));
  }
  done();
}

function carbone(jobs, done) {
  const engine = require("carbone");
  let next = 0;
  const step = () => {
    if (next === jobs.length) {
      done();
      return;
    }
    const job = jobs[next++];
    engine.render(job.template, job.context, {}, (err, result) => {
      if (err) {
        console.error(`carbone: ${job.out}: ${err}`);
        process.exit(1);
      }
      fs.writeFileSync(job.out, result);
      step();
    });
  };
  step();
}

const [engine, jobsFile] = process.argv.slice(2);
const jobs = JSON.parse(fs.readFileSync(jobsFile, "utf8"));
const run = { docxtemplater, carbone }[engine];
if (!run) {
  console.error("usage: node render.js docxtemplater|carbone JOBS.json");
  process.exit(2);
}
const start = process.hrtime.bigint();
run(jobs, () => console.log((Number(process.hrtime.bigint() - start) / 1e9).toFixed(3)));
