"""No phone (mobile or landline) or ID number, and no complainant's name in their own complaint's text,
reaches the warehouse: every text column of every table is scanned."""

from __future__ import annotations

import re
import shutil

import duckdb

from tests.bad_input.corpus import COMPLAINT_HEADER, COMPOUND_HEADER, complaint, compound, csv_bytes
from tests.conftest import GOLDEN_LANDING, build_into

MOBILE = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")
ID_NUMBER = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])")
LANDLINE = re.compile(r"(?<![0-9])(?:0[0-9]{2,3}[- ]?|[(（]0[0-9]{2,3}[)）] ?)[0-9]{7,8}(?![0-9])")
HASH = re.compile(r"\b[0-9a-f]{64}\b")  # salted hashes are not personal data, and may hold digit runs

PHONE, ID = "13912345678", "62060219900101129X"
COMPLAINTS = csv_bytes(
    [*COMPLAINT_HEADER, "诉求人", "联系电话", "备用电话", "身份证号", "备注"],
    [*complaint("P001", 诉求内容=f"我的电话{PHONE}，身份证{ID}，请回电"), "张三", PHONE, "15800001111", ID,
     "另一个号码+86 139-1234-5678"],
    # no ticket id: the row cannot be established, so it is quarantined with its (masked) original cells
    [*complaint("", 诉求内容=f"联系人李四 {PHONE}"), "李四", f"86{PHONE}", "", "", f"身份证号{ID}"],
    [*complaint("P003", 诉求内容="来电人身份证：620602199001011230。手机：13800138000"), "王五", "0935-1234567", "", "",
     ""],
    [*complaint("P004", 诉求内容="我是赵敏，座机0935-2212345，或09352212345、(0935)2212345，找赵敏即可"), " 赵敏 ",
     "", "", "", "办公室（0935）22123456"],
    # an unreadable 受理时间: the complaint cannot be placed in a month, so it is quarantined (DOMAIN §8)
    [*complaint("P005", 诉求内容="孙悟空反映暖气不热", 受理时间="上午"), "孙悟空", "", "", "", ""],
)
COMPOUNDS = csv_bytes(
    [*COMPOUND_HEADER, "项目经理", "物业电话"],
    [*compound("G01"), f"赵六{PHONE}", "18912345678"],
    [*compound("", 总户数="-1"), "钱七", f"值班{PHONE}"],
    [*compound("G03", 县区=PHONE), "孙八", ""],  # a phone number as the county: flagged, the finding masked
)


def test_no_phone_or_id_number_in_any_text_column(tmp_path, monkeypatch):
    landing = tmp_path / "landing"
    shutil.copytree(GOLDEN_LANDING, landing)
    (landing / "武威市12345热线物业工单_2024-12_personal.csv").write_bytes(COMPLAINTS)
    (landing / "古浪县_住宅小区物业管理台账_2024-12_personal.csv").write_bytes(COMPOUNDS)
    database = build_into(tmp_path, landing, monkeypatch.setenv)

    found = []
    with duckdb.connect(str(database), read_only=True) as con:
        assert con.sql("select count(*) from audit_quarantine where _file like '%personal%'").fetchall() == [(3,)]
        # the complainant's own name is masked in their complaint's text, loaded or quarantined
        assert con.sql("select content from raw_complaints where ticket_id = 'P004'").fetchall() == [
            ("我是某某,座机0935-*****45,或0935*****45、(0935)*****45,找某某即可",)]  # full-width commas folded
        ((original,),) = con.sql("select original from audit_quarantine where original like '%P005%'").fetchall()
        assert "某某反映暖气不热" in original and "孙悟空" not in original
        ((original,),) = con.sql("select original from audit_quarantine where original like '%联系人%'").fetchall()
        assert "李四" not in original
        # the numbers went through, masked
        assert con.sql("select count(*) from raw_complaints where content like '%139****5678%'").fetchall()[0][0] > 0
        assert con.sql("select count(*) from audit_quarantine where original like '%620602********129X%'"
                       ).fetchall()[0][0] > 0
        assert con.sql("select original from audit_cell_findings where _file like '%personal%' "
                       "and \"column\" = 'county'").fetchall() == [("139****5678",)]
        columns = con.sql("select table_name, column_name from duckdb_columns() "
                          "where database_name = current_database() and data_type like '%VARCHAR%'").fetchall()
        assert len(columns) > 100
        for table, column in columns:
            for (text,) in con.sql(f'select distinct "{column}"::varchar from "{table}" where "{column}" is not null'
                                   ).fetchall():
                text = HASH.sub("", text)
                if MOBILE.search(text) or ID_NUMBER.search(text) or LANDLINE.search(text):
                    found.append((table, column, text))
    for path in (tmp_path / "validation").glob("*.json"):
        text = HASH.sub("", path.read_text(encoding="utf-8"))
        found += [(path.name, "", m) for m in MOBILE.findall(text) + ID_NUMBER.findall(text) + LANDLINE.findall(text)]
    assert found == []
