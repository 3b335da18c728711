import { benchIpLookups } from '/work/main/bench/ip';
import { benchHttp } from '/work/main/bench/http';
const which = process.argv[2];
const figs = which === 'http' ? await benchHttp() : await benchIpLookups();
for (const f of figs) console.log(f.label.padEnd(50), f.value);
process.exit(0);
