"""Ingest throughput with and without the people stage, side by side (batch by batch, on the
same batches of bench.py's generated quotes), then people and person page latency, warm:

    python benchmarks/people.py 30000 128     # quotes, articles per commit
"""
import sys, time, shutil, tempfile, os
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench
from quotes.index import QuoteIndex
from quotes.extract import extract_articles, load_nlp
from quotes.people_store import PeopleStore
from quotes.person_view import person_page

n = int(sys.argv[1]); batch = int(sys.argv[2]) if len(sys.argv) > 2 else 512
articles = bench.corpus(20)
found = [q for _, qs in extract_articles(articles, load_nlp()) for q in qs]
synth = bench.Synthesizer(found, bench.vocabulary())
where = tempfile.mkdtemp(prefix="people-bench-")
spent = {False: 0.0, True: 0.0}; tail = {False: 0.0, True: 0.0}; added = 0; tail_q = 0
with QuoteIndex.open(os.path.join(where, "plain"), create=True) as a, QuoteIndex.open(os.path.join(where, "people"), create=True) as b:
    for pairs in synth.batches(n, batch):
        for ix, people in ((a, False), (b, True)):
            t = time.perf_counter()
            got = ix.add(pairs, people=people)[1]
            d = time.perf_counter() - t
            spent[people] += d
            if added >= 0.9 * n:
                tail[people] += d
        if added >= 0.9 * n:
            tail_q += got
        added += got
        print(f"  {added} quotes: add {spent[False]:.1f} s without people, {spent[True]:.1f} s with", flush=True)
for people in (False, True):
    print(f"people={people}: {added} quotes, {spent[people]:.1f} s in add = {added / spent[people]:.0f} quotes/s;"
          f" last {tail_q} quotes: {tail_q / tail[people]:.0f} quotes/s" if tail[people] else "", flush=True)
path = os.path.join(where, "people")
st = PeopleStore(path)
everyone = st.people()
ix = QuoteIndex.open(path)
for label, call in (("quotes people (all %d)" % len(everyone), lambda: st.people()),
                    ("quotes people QUERY", lambda: st.people(synth.speakers[0].split()[-1])),
                    ("person page, most quoted (%d quotes)" % everyone[0].quotes, lambda: person_page(ix, everyone[0].id)),
                    ("person page, median person (%d quotes)" % everyone[len(everyone) // 2].quotes,
                     lambda: person_page(ix, everyone[len(everyone) // 2].id))):
    call()
    ts = []
    for _ in range(7):
        t = time.perf_counter(); call(); ts.append(time.perf_counter() - t)
    print(f"  {label}: median {sorted(ts)[3] * 1000:.0f} ms, max {max(ts) * 1000:.0f} ms", flush=True)
shutil.rmtree(where)
