/** One VU per process (the runner starts one busy client). */
const exec = {
  scenario: { name: process.env.K6_SHIM_SCENARIO ?? 'default', executor: 'ramping-vus', startTime: Date.now(), progress: 0, iterationInInstance: 0, iterationInTest: 0 },
  vu: { idInTest: 1, idInInstance: 1, iterationInInstance: 0, iterationInScenario: 0 },
};
export default exec;
