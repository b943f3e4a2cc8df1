"""The search contract of DESIGN, held against every backend with the same documents."""

from __future__ import annotations

from archive.search.es_backend import latest_mapping
from archive.search.model import IndexDocument, SearchBackend, SearchQuery
from archive.search.sqlite_backend import SqliteBackend
from archive.store import Store

ID_WANG = "34012319580312357X"


def _doc(i: int, name: str, unit: str, id_number: str, enlisted: str, **more: str) -> IndexDocument:
    fields = {
        "name": name,
        "unit": unit,
        "id_number": id_number,
        "enlistment_date": enlisted,
        "birth_date": more.pop("birth", "1958-03"),
        "discharge_date": more.pop("discharged", "1985-08"),
        "discharge_type": more.pop("discharge_type", "自主就业"),
    }
    pages = [more.pop("page", f"{name}同志，于{enlisted}入伍，在{unit}服役。")]
    return IndexDocument(i, f"{i:03d}-{name}.pdf", fields, pages)


CORPUS = [
    _doc(
        1, "王建国", "55919部队", ID_WANG, "1976-12", page="王建国同志服役期间荣立个人三等功一次。"
    ),
    _doc(
        2,
        "李建国",
        "55919部队",
        "110101196001011234",
        "1978-03",
        discharge_type="安排工作",
        birth="1960-01",
    ),
    _doc(3, "王建华", "第27集团军80师", "510722196505050011", "1983-11", birth="1965-05-05"),
    _doc(
        4, "任克已", "中国人民解放军81044部队", "340123194705183651", "1965-03", birth="1947-05"
    ),  # OCR read 已
    _doc(
        5,
        "张土杰",  # 士 read as 土
        "81044部队",
        "420117197001019999",
        "1988-09",
        discharged="2001-12",
        birth="1970-01",
    ),
    _doc(
        6,
        "赵玉兰",
        "73744部队",
        "130424196812127777",
        "1986-04",
        discharge_type="退休",
        birth="1968-12",
    ),
]


def _ids(backend: SearchBackend, **query: object) -> list[int]:
    return [h.document_id for h in backend.search(SearchQuery(**query)).hits]  # type: ignore[arg-type]


def test_names_exact_partial_misread_and_pinyin(backend: SearchBackend) -> None:
    backend.upsert(CORPUS)
    assert backend.count() == 6
    assert _ids(backend, name="王建国") == [1]
    assert _ids(backend, name="建国") == [1, 2]  # any two characters in a row
    assert _ids(backend, name="王建") == [1, 3]
    assert _ids(backend, name="任克己") == [4]  # the right spelling finds the misread one
    assert _ids(backend, name="张士杰") == [5]
    assert _ids(backend, name="赵主兰") == [6]  # and a misspelt query finds the right one
    assert _ids(backend, name="wang jianguo") == [1]
    assert _ids(backend, name="Wang") == [1, 3]
    assert _ids(backend, name="不存在") == []


def test_a_single_character_finds_a_surname_first_then_a_given_name(
    backend: SearchBackend,
) -> None:
    backend.upsert([*CORPUS, _doc(7, "李王", "81044部队", "340123194705180000", "1966-01")])
    assert _ids(backend, name="张") == [5]
    assert _ids(backend, name="王") == [1, 3, 7]  # 王 as a surname ranks above 李王
    hits = backend.search(SearchQuery(name="王")).hits
    assert hits[-1].score < hits[0].score
    assert _ids(backend, name="杰") == [5]
    assert _ids(backend, name="钱") == []
    assert _ids(backend, q="张") == [5]


def test_an_exact_name_ranks_above_a_misread_one(backend: SearchBackend) -> None:
    backend.upsert([*CORPUS, _doc(7, "任克己", "81044部队", "340123194705180000", "1966-01")])
    hits = backend.search(SearchQuery(name="任克己")).hits
    assert [h.document_id for h in hits] == [7, 4]
    assert hits[0].score > hits[1].score


def test_units_by_designation_part_of_the_code_and_words(backend: SearchBackend) -> None:
    backend.upsert(CORPUS)
    assert _ids(backend, unit="55919部队") == [1, 2]
    assert _ids(backend, unit="5591") == [1, 2]
    assert _ids(backend, unit="81044") == [4, 5]
    assert _ids(backend, unit="第27集团军") == [3]
    assert _ids(backend, unit="８１０４４") == [4, 5]  # full-width digits fold


def test_id_numbers_whole_and_by_their_last_characters(backend: SearchBackend) -> None:
    backend.upsert(CORPUS)
    assert _ids(backend, id=ID_WANG) == [1]
    assert _ids(backend, id=ID_WANG.lower()) == [1]
    assert _ids(backend, id="357X") == [1]
    assert _ids(backend, id="2357x") == [1]
    assert _ids(backend, id="312357X") == []  # seven characters identify no one
    assert _ids(backend, id="9999") == [5]


def test_date_ranges_facets_and_paging(backend: SearchBackend) -> None:
    backend.upsert(CORPUS)
    assert _ids(backend, enlistment_from="1976", enlistment_to="1983") == [1, 2, 3]
    assert _ids(backend, birth_to="1958") == [1, 4]
    assert _ids(backend, discharge_from="2000-01") == [5]
    everything = backend.search(SearchQuery(unit="部队"))
    assert everything.total == 5
    assert everything.facets["discharge_type"] == {"自主就业": 3, "安排工作": 1, "退休": 1}
    assert everything.facets["unit"]["55919部队"] == 2
    assert everything.facets["enlistment_year"]["1976"] == 1
    page = backend.search(SearchQuery(unit="部队", size=2, offset=2))
    assert page.total == 5 and [h.document_id for h in page.hits] == [4, 5]
    assert _ids(backend, unit="部队", discharge_type="退休") == [6]
    assert _ids(backend, enlistment_year="1965") == [4]


def test_full_text_with_highlights_naming_the_page(backend: SearchBackend) -> None:
    backend.upsert(CORPUS)
    result = backend.search(SearchQuery(q="三等功"))
    assert [h.document_id for h in result.hits] == [1]
    [highlight] = result.hits[0].highlights
    assert highlight.page == 1 and "【三等功】" in highlight.snippet
    assert result.hits[0].fields["name"] == "王建国"


def test_updates_replace_and_deletes_remove(backend: SearchBackend) -> None:
    backend.upsert(CORPUS)
    backend.upsert([_doc(2, "李建军", "55919部队", "110101196001011234", "1978-03")])
    assert _ids(backend, name="李建国") == [] and _ids(backend, name="李建军") == [2]
    backend.delete([2, 99])
    assert backend.count() == 5 and _ids(backend, unit="55919") == [1]
    backend.rebuild(CORPUS[:3])
    assert backend.count() == 3 and _ids(backend, unit="部队") == [1, 2]
    assert backend.health() is None


def test_one_search_box_finds_names_units_id_tails_and_text(backend: SearchBackend) -> None:
    backend.upsert(CORPUS)
    assert _ids(backend, q="王建国")[0] == 1
    assert _ids(backend, q="任克己") == [4]
    assert _ids(backend, q="357X") == [1]
    assert _ids(backend, q="第27集团军") == [3]
    assert _ids(backend, q="荣立个人三等功") == [1]


def test_both_backends_answer_the_same(store: Store, es_backend: SearchBackend) -> None:
    sqlite = SqliteBackend(store)
    for backend in (sqlite, es_backend):
        backend.upsert(CORPUS)
    queries = [
        SearchQuery(name="建国"),
        SearchQuery(q="部队"),
        SearchQuery(unit="部队", birth_from="1950", size=3, offset=1),
        SearchQuery(q="王", enlistment_to="1980"),
    ]
    for query in queries:
        a, b = sqlite.search(query), es_backend.search(query)
        assert a.total == b.total and a.facets == b.facets, query
        assert [(h.document_id, h.score, h.highlights) for h in a.hits] == [
            (h.document_id, h.score, h.highlights) for h in b.hits
        ], query


def test_the_index_mappings_ship_inside_the_package() -> None:
    """Read as package data, so an installed wheel has them (not from a folder beside it)."""
    version, body = latest_mapping()
    assert version >= 1 and "id_tokens" in body["mappings"]["properties"]
    assert not any(key.startswith("_") for key in body)  # comments are not sent
