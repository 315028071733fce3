"""Words at the edge: the message catalog in English and Japanese, and how a Message becomes text.

The core (readers, look-ups, the verdict) says things as codes with parameters (tenken.facts.Message);
this module holds the words. Japanese follows what shops write: 赤ロム, ネットワーク利用制限 ○△×−,
アクティベーションロック, 「iPhoneを探す」, FRP (Googleアカウント), SIMロック, 初期化. The carriers' own
legends are parameters and stay verbatim.

Template syntax: `{name}` is a parameter; `{name:ns}` looks each value up as the entry `ns.<value>`;
`[…]` is an optional part, left out when a parameter inside it is empty (None, "", an empty list).
"""

from __future__ import annotations

import locale
import os
import re
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from enum import Enum
from functools import cache
from typing import Any, Literal

from tenken.facts import Carrier, DeviceState, ImeiStatus, Message, Outcome, Platform, Provenance
from tenken.inspection import Level

Lang = Literal["en", "ja"]
JST = timezone(timedelta(hours=9), "JST")
LANGS: tuple[Lang, ...] = ("en", "ja")

# code → (English, Japanese)
CATALOG: dict[str, tuple[str, str]] = {
    # ------------------------------------------------------------------ tenken --help: the commands
    "help.commands": ("Commands", "コマンド"),
    "help.inspect": (
        "Read every attached phone, ask the carriers, and say per sales channel whether it can be sold.",
        "接続中の端末を読み取り、キャリアに問い合わせ、販売チャネルごとに販売可否を判定します。",
    ),
    "help.watch": (
        "The station: follow phones plugged in and out, a live board per port, webhooks.",
        "点検ステーション：端末の抜き差しを追い、ポートごとの状況をライブ表示し、Webhookを送ります。",
    ),
    "help.record": (
        "Record a fact read by hand off a phone or its box (SIM lock, battery, a carrier's mark).",
        "端末や箱から手で読み取った事実を記録します（SIMロック、バッテリー、キャリアの判定など）。",
    ),
    "help.recheck": (
        "Ask the carriers again about stored phones whose answers were △ or unknown.",
        "判定が△または不明だった保存済みの端末について、キャリアに再確認します。",
    ),
    "help.lookup": (
        "Ask the carriers' checkers about IMEIs (○ △ × −), with evidence.",
        "IMEIについてキャリアのネットワーク利用制限を確認します（○ △ × −、証拠付き）。",
    ),
    "help.evidence": (
        "List stored carrier answers for an IMEI and save the raw pages.",
        "IMEIについて保存済みのキャリア回答を一覧し、元のページを保存します。",
    ),
    "help.certificate": (
        "Write a phone's inspection certificate (点検証明書) as HTML, and PDF on request.",
        "端末の点検証明書をHTMLで出力します（指定すればPDFも）。",
    ),
    "help.verify": (
        "Check a certificate against the stored inspection and its evidence pages.",
        "点検証明書を保存済みの点検結果と証拠ページに照らして検証します。",
    ),
    "help.history": (
        "A phone's past inspections and carrier answers, with what changed between them.",
        "端末の過去の点検とキャリア回答、その間の変化を表示します。",
    ),
    "help.export": (
        "Every inspection (--latest: each phone's newest) as a row: an Excel workbook (xlsx), CSV (UTF-8 "
        "with BOM or cp932), JSON, JSON Lines.",
        "点検結果を1行ずつ出力します（--latest で端末ごとに最新の1件）：Excelブック（xlsx）、CSV（BOM付き"
        "UTF-8またはcp932）、JSON、JSON Lines。",
    ),
    "help.report": (
        "Judge saved inspections (their JSON) again, under another policy, without the phone.",
        "保存した点検結果（JSON）を、端末なしで別のポリシーにより判定し直します。",
    ),
    "help.policy": (
        "Show the sales policy in effect, or check a policy file.",
        "有効な販売ポリシーを表示、またはポリシーファイルを検査します。",
    ),
    "help.schema": (
        "The JSON Schema of what --json and export print.",
        "--json と export が出力するJSONのスキーマ（JSON Schema）です。",
    ),
    "help.doctor": (
        "Check the station's setup: usbmuxd, adb, udev, data dir, database, carriers, webhook.",
        "ステーションの設定を確認します：usbmuxd、adb、udev、データフォルダ、データベース、キャリア、Webhook。",
    ),
    "help.udev": (
        "Print or install the udev rule for Android phones (install needs root).",
        "Android端末用のudevルールを表示またはインストールします（インストールにはroot権限が必要）。",
    ),
    "help.config": (
        "Show the configuration file, data paths and environment variables.",
        "設定ファイル、データの保存先、環境変数を表示します。",
    ),
    "help.demo": (
        "Run the whole job on simulated phones and carrier sites.",
        "シミュレーターの端末とキャリアサイトで、点検の流れ全体を実演します。",
    ),
    "help.sim": (
        "Simulators: carrier sites, iPhones, Android phones.",
        "シミュレーター：キャリアサイト、iPhone、Android端末。",
    ),
    "help.sim_carriers": (
        "Serve the four carriers' checkers on 127.0.0.1 (for tests, demos, training).",
        "4キャリアの確認サイトを127.0.0.1で提供します（テスト、デモ、研修用）。",
    ),
    "help.sim_ios": (
        "Emulate usbmuxd with simulated iPhones on 127.0.0.1.",
        "127.0.0.1でusbmuxdとシミュレーターのiPhoneを動かします。",
    ),
    "help.sim_android": (
        "Emulate adbd phones and register them with the adb server.",
        "adbd端末をシミュレートし、adbサーバーに登録します。",
    ),
    "inspect.inspecting": ("inspecting {count} phone(s)…", "{count}台を点検しています…"),
    "inspect.skipped": (
        "skipped {where}: {problem} ('{text}')",
        "{where} を飛ばしました：{problem}（「{text}」）",
    ),
    # ------------------------------------------------------------------ IMEIs as people type them (imei.py, inputs)
    "imei.not_valid": (
        "'{text}' is not a valid IMEI: {problem}",
        "「{text}」は正しいIMEIではありません：{problem}",
    ),
    "imei.problem.empty": ("it is empty", "空です"),
    "imei.problem.check_digit": (
        "the check digit (last digit) does not match; a digit is probably mistyped",
        "チェックデジット（最後の桁）が合いません。どこかの桁の打ち間違いと思われます",
    ),
    "imei.problem.other": ("{detail}", "{detail}"),
    "imei.problem.zeros": (
        "all zeros (a placeholder, not a real IMEI)",
        "すべて0です（仮の値で、実際のIMEIではありません）",
    ),
    "imei.problem.digits": ("{count} digits, an IMEI has 15", "{count}桁です。IMEIは15桁です"),
    "imei.problem.character": (
        "contains '{character}'; an IMEI is 15 digits",
        "「{character}」が含まれています。IMEIは15桁の数字です",
    ),
    "imei.problem.imeisv": (
        "16 digits is an IMEISV (IMEI + software version) and has no check digit; type the 15-digit IMEI that "
        "*#06# shows, or pass --imeisv to look up the IMEI it contains",
        "16桁はIMEISV（IMEI＋ソフトウェアバージョン）でチェックデジットがありません。*#06# で表示される15桁のIMEIを"
        "入力するか、--imeisv を付けて中のIMEIを問い合わせてください",
    ),
    "imei.problem.meid": (
        "this is a MEID (CDMA); carriers' checkers want a 15-digit IMEI",
        "これはMEID（CDMA）です。キャリアの確認には15桁のIMEIが必要です",
    ),
    "input.argument": ("argument {position}", "引数{position}"),
    "input.line_too_long": ("a line longer than {limit} characters", "{limit}文字を超える行"),
    "input.no_imei_value": ("no value in the IMEI column", "IMEIの列が空です"),
    "input.one_per_line": ("one IMEI per line", "1行に1つのIMEI"),
    "input.first_column": (
        "no header: the IMEI from the first column",
        "見出しなし：1列目をIMEIとして読みます",
    ),
    "input.column": ("{what} in column {number} '{name}'", "{what}は{number}列目「{name}」"),
    "input.stock_column": ("stock number in column {number} '{name}'", "管理番号は{number}列目「{name}」"),
    "input.csv": ("CSV, {columns}", "CSV：{columns}"),
    "input.read_as": ("{file}: {how}", "{file}：{how}"),
    "lookup.skipped": (
        "skipped {where}: {problem} ('{text}')",
        "{where} を飛ばしました：{problem}（「{text}」）",
    ),
    "lookup.repeated": (
        "{where}: {imei} was given before; it is looked up and shown once",
        "{where}：{imei} は前にも指定されています。問い合わせと表示は1回だけです",
    ),
    "lookup.more_repeated": (
        "… {count} more IMEIs were given again; each is looked up once",
        "…ほか{count}件のIMEIが重複していました。それぞれ1回だけ問い合わせます",
    ),
    "lookup.imeisv_as_imei": (
        "{where}: IMEISV {typed} looked up as IMEI {imei}",
        "{where}：IMEISV {typed} をIMEI {imei} として問い合わせます",
    ),
    # ------------------------------------------------------------------ one-line errors of the commands
    "error.cannot_read": ("cannot read {file}: {why}", "{file} を読めません：{why}"),
    "error.cannot_write": ("cannot write {file}: {why}", "{file} に書き込めません：{why}"),
    "error.cannot_write_in": ("cannot write in {folder}: {why}", "{folder} に書き込めません：{why}"),
    "error.not_utf8": ("{file} is not UTF-8 text", "{file} はUTF-8のテキストではありません"),
    "error.not_text": (
        "{file} is neither UTF-8, UTF-16 nor Shift_JIS text",
        "{file} はUTF-8、UTF-16、Shift_JISのいずれのテキストでもありません",
    ),
    "error.bad_bom": (
        "{file} starts with a {encoding} mark but is not {encoding} text",
        "{file} は {encoding} の印（BOM）で始まりますが、{encoding} のテキストではありません",
    ),
    "error.no_imei_column": (
        "{file}: looks like a CSV but has no IMEI column (header: {header}; accepted names: IMEI, IMEI1, "
        "IMEI番号, 製造番号)",
        "{file}：CSVのようですがIMEIの列がありません（見出し：{header}。使える列名：IMEI、IMEI1、IMEI番号、製造番号）",
    ),
    "error.not_json": (
        "{file} is not JSON (line {line}: {why})",
        "{file} はJSONではありません（{line}行目：{why}）",
    ),
    "error.not_inspect_json": (
        "{file}: expected what `tenken inspect --json` writes (an object with phones)",
        "{file}：`tenken inspect --json` の出力（phones を持つオブジェクト）ではありません",
    ),
    "error.nothing_stored": (
        "nothing stored for {key}[ since {since}]",
        "{key} について[{since}以降に]保存されたものはありません",
    ),
    "error.no_inspection": (
        "no stored inspection for {key}; inspect the phone first (tenken inspect)",
        "{key} の点検結果が保存されていません。先に端末を点検してください（tenken inspect）",
    ),
    "error.no_answer": (
        "no stored answer for {imei}; run `tenken lookup {imei}` first",
        "{imei} の回答が保存されていません。先に `tenken lookup {imei}` を実行してください",
    ),
    "error.not_a_certificate": (
        "{file} is not a tenken certificate",
        "{file} はtenkenの点検証明書ではありません",
    ),
    "error.encoding_is_for_csv": (
        "--encoding is for CSV; JSON is always UTF-8",
        "--encoding はCSV用です。JSONは常にUTF-8です",
    ),
    "error.excel_is_for_csv": (
        "--excel is for CSV; an xlsx workbook keeps IMEIs as text by itself",
        "--excel はCSV用です。xlsxのブックはIMEIを最初から文字列として保持します",
    ),
    "error.xlsx_needs_out": (
        "--format xlsx writes a workbook: give --out FILE.xlsx (or --out - for a pipe)",
        "--format xlsx はブックを書き出します：--out ファイル.xlsx を指定してください（パイプには --out -）",
    ),
    "error.json_needs_once": (
        "--json needs --once (a station that runs all day streams with --jsonl)",
        "--json には --once が必要です（終日動かすステーションは --jsonl で逐次出力します）",
    ),
    "error.no_imeis": ("give IMEIs as arguments or with --file", "IMEIを引数か --file で指定してください"),
    "error.no_carrier_enabled": (
        "no carrier enabled: check lookup.<carrier>.enabled in the configuration",
        "有効なキャリアがありません：設定の lookup.<carrier>.enabled を確認してください",
    ),
    "error.recheck_status": (
        "--status {given}: choose from {choices}",
        "--status 「{given}」：{choices} から選んでください",
    ),
    # ------------------------------------------------------------------ values and sources in words (report/values.py)
    "value.carrier_network": ("{carrier:carrier} network", "{carrier:carrier}のネットワーク"),
    "value.done": ("yes", "完了"),
    "ui.port_at": ("port {where}", "ポート {where}"),
    "policy.built_in": ("built in", "tenken付属"),
    "simstate.ready": ("SIM ready", "SIMあり（使用可能）"),
    "simstate.absent": ("no SIM", "SIMなし"),
    "simstate.not_ready": ("SIM not ready", "SIM準備中"),
    "simstate.pin_required": ("SIM PIN required", "SIMのPINが必要"),
    "simstate.puk_required": ("SIM PUK required", "SIMのPUKが必要"),
    "simstate.network_locked": ("SIM locked to a network", "他社SIMのためロック中"),
    "simstate.loaded": ("SIM loaded", "SIMあり（読込済み）"),
    "simstate.present": ("SIM present", "SIMあり"),
    "simstate.unknown": ("SIM state unknown", "SIMの状態不明"),
    "value.not_done": ("no", "未完了"),
    "activation.activated": ("Activated", "アクティベート済み"),
    "activation.unactivated": ("Unactivated", "未アクティベート"),
    "region.japan": ("Japan", "日本"),
    "region.us": ("United States", "米国"),
    "region.canada": ("Canada", "カナダ"),
    "region.china": ("mainland China", "中国本土"),
    "region.hong_kong": ("Hong Kong / Macau", "香港・マカオ"),
    "region.taiwan": ("Taiwan", "台湾"),
    "region.korea": ("South Korea", "韓国"),
    "region.india": ("India", "インド"),
    "region.oceania": ("Australia / New Zealand", "オーストラリア・ニュージーランド"),
    "region.uk": ("United Kingdom / Ireland", "英国・アイルランド"),
    "region.europe": ("Europe (several countries)", "欧州（複数の国）"),
    "source.carrier_lookups": ("carrier look-ups", "キャリアの判定結果"),
    "source.model_table": ("model-number table", "型番の表"),
    "source.simlock_dates": ("carrier SIM-lock policy dates", "キャリアのSIMロック方針の日付"),
    "source.release_date": ("model release date", "機種の発売日"),
    "source.catalog": ("catalog", "機種の表"),
    "source.apple_catalog": ("tenken's Apple catalog", "tenkenのApple機種の表"),
    "source.manual": ("manual:", "手入力:"),
    # ------------------------------------------------------------------ names of things
    # carrier.<key>: each carrier's names come from the carriers' table (catalog/carriers.toml), below
    "carrier.sim-free": ("SIM-free (no carrier)", "SIMフリー（キャリア販売ではない）"),
    "platform.ios": ("iPhone", "iPhone"),
    "platform.android": ("Android", "Android"),
    "provenance.measured": ("measured", "実測"),
    "provenance.inferred": ("inferred", "推定"),
    "provenance.unknown": ("unknown", "不明"),
    "outcome.ok": ("○ no restriction", "○ 制限なし"),
    "outcome.pending": ("△ instalments running", "△ 分割支払中"),
    "outcome.restricted": ("× restricted (赤ロム)", "× 利用制限中（赤ロム）"),
    "outcome.not_found": ("− not registered", "− 登録なし"),
    "outcome.invalid_imei": ("IMEI refused", "IMEI不正"),
    "outcome.unavailable": ("site unavailable", "サイト応答なし"),
    "outcome.captcha_required": ("CAPTCHA", "画像認証あり"),
    "outcome.needs_browser": ("needs a browser", "ブラウザが必要"),
    "outcome.parse_error": ("page not understood", "ページ解析不可"),
    "cell.unavailable": ("down", "停止"),
    "cell.captcha_required": ("CAPTCHA", "画像認証"),
    "cell.needs_browser": ("browser", "要ブラウザ"),
    "cell.parse_error": ("unreadable", "解析不可"),
    "cell.invalid_imei": ("invalid", "不正"),
    "status.clean": ("clean", "問題なし"),
    "status.not_registered": ("− everywhere", "全社で−"),
    "status.pending": ("pending △", "△ 支払中"),
    "status.restricted": ("restricted ×", "× 赤ロム"),
    "status.unknown": ("not established", "未確定"),
    "status.invalid": ("not an IMEI", "IMEI不正"),
    "state.ready": ("ready", "読取完了"),
    "state.not_paired": ("not paired", "未ペアリング"),
    "state.waiting_for_trust": ("waiting for Trust", "「信頼」待ち"),
    "state.trust_denied": ("Trust denied", "「信頼しない」"),
    "state.locked": ("screen locked", "画面ロック中"),
    "state.before_first_unlock": ("not unlocked since restart", "再起動後未ロック解除"),
    "state.unauthorized": ("USB debugging not allowed", "USBデバッグ未許可"),
    "state.offline": ("offline", "オフライン"),
    "state.unplugged": ("unplugged", "ケーブル抜け"),
    "state.timeout": ("not answering", "応答なし"),
    "state.error": ("error", "エラー"),
    "fact.imei": ("IMEI", "IMEI"),
    "fact.imei2": ("IMEI2", "IMEI2"),
    "fact.meid": ("MEID", "MEID"),
    "fact.serial": ("Serial", "シリアル番号"),
    "fact.manufacturer": ("Manufacturer", "メーカー"),
    "fact.brand": ("Brand", "ブランド"),
    "fact.model_name": ("Model", "機種名"),
    "fact.model_id": ("Model ID", "機種ID"),
    "fact.part_number": ("Part number", "型番"),
    "fact.sales_region": ("Sales region", "販売地域"),
    "fact.colour": ("Colour", "カラー"),
    "fact.storage_bytes": ("Storage", "容量"),
    "fact.os_version": ("OS version", "OSバージョン"),
    "fact.os_build": ("OS build", "ビルド"),
    "fact.security_patch": ("Security patch", "セキュリティパッチ"),
    "fact.activation_state": ("Activation", "アクティベーション"),
    "fact.setup_complete": ("Setup complete", "初期設定完了"),
    "fact.owner_lock": (
        "Owner lock (Find My / FRP)",
        "所有者ロック（アクティベーションロック／FRP）",
    ),
    "fact.owner_accounts": ("Owner accounts", "ロック対象アカウント"),
    "fact.supervised": ("Supervised", "監視対象（組織の管理モード）"),
    "fact.mdm_enrolled": ("MDM enrolled", "MDM登録"),
    "fact.bootloader_unlocked": ("Bootloader unlocked", "ブートローダーアンロック"),
    "fact.sold_for": ("Sold for (carrier)", "販売キャリア"),
    "fact.sim_carrier": ("SIM network", "挿入SIMのネットワーク"),
    "fact.sim_state": ("SIM state", "SIM状態"),
    "fact.sim_locked": ("SIM-locked", "SIMロック"),
    "fact.battery_health_pct": ("Battery health %", "バッテリー最大容量 %"),
    "fact.battery_cycles": ("Battery cycles", "充放電回数"),
    "fact.battery_level_pct": ("Battery level %", "バッテリー残量 %"),
    "part.mdm": ("MDM enrolment", "MDM登録の確認"),
    "part.battery": ("battery health", "バッテリー状態の確認"),
    "part.values": (
        "Find My, supervision and storage values",
        "「iPhoneを探す」・監視・容量の値の確認",
    ),
    "lock.google": ("Google account (FRP)", "Googleアカウント（FRP）"),
    "lock.samsung": (
        "Samsung account (Reactivation Lock)",
        "Samsungアカウント（リアクティベーションロック）",
    ),
    "lock.xiaomi": ("Xiaomi account (Find device lock)", "Xiaomiアカウント（デバイスを探す）"),
    "lock.huawei": ("HUAWEI ID (activation lock)", "HUAWEI ID（アクティベーションロック）"),
    "battery_health.unknown": ("unknown", "不明"),
    "battery_health.good": ("good", "良好"),
    "battery_health.overheat": ("overheat", "過熱"),
    "battery_health.dead": ("dead", "劣化（使用不可）"),
    "battery_health.over_voltage": ("over voltage", "過電圧"),
    "battery_health.failure": ("failure", "故障"),
    "battery_health.cold": ("cold", "低温"),
    "battery_health.not_reported": ("not reported", "報告なし"),
    "value.yes": ("yes", "あり"),
    "value.no": ("no", "なし"),
    "value.none": ("none", "なし"),
    "value.unknown": ("unknown", "不明"),
    # ------------------------------------------------------------------ screen furniture
    "ui.fact": ("fact", "項目"),
    "ui.value": ("value", "値"),
    "ui.how": ("how", "取得方法"),
    "ui.source_note": ("source / note", "取得元・備考"),
    "ui.from_cache": ("* from the cache", "* キャッシュの結果"),
    "ui.status": ("status", "判定"),
    "ui.summary": ("summary", "内容"),
    "ui.could_not_read": ("could not be read", "確認できなかった問い合わせ"),
    "ui.carrier": ("carrier", "キャリア"),
    "ui.why": ("why", "理由"),
    "ui.first_reason": ("first reason", "主な理由"),
    "ui.condition": ("condition", "条件"),
    "ui.needs_attention": ("Needs the technician:", "作業が必要な端末："),
    "ui.verdict": ("verdict", "判定"),
    "ui.carrier_answers": ("carriers' answers", "キャリアの判定結果"),
    "ui.answer": ("answer", "結果"),
    "ui.checked_at": ("checked (JST)", "確認日時（JST）"),
    "ui.evidence": ("evidence sha256", "証拠ページ sha256"),
    # ------------------------------------------------------------------ the certificate (点検証明書)
    "cert.channel": ("channel", "販売チャネル"),
    "cert.verdicts": ("Verdict per sales channel", "販売チャネル別の判定"),
    "cert.phone": ("The phone", "端末"),
    "cert.locks": ("Locks", "ロック"),
    "cert.battery": ("Battery", "バッテリー"),
    "cert.manual": ("entered by hand", "手入力"),
    "cert.manual_facts": (
        "Facts the technician read and entered by hand",
        "作業者が目視で確認し手入力した項目",
    ),
    "cert.not_looked_up": (
        "The carriers were not asked in this inspection.",
        "この点検ではキャリアに問い合わせていません。",
    ),
    "cert.checked": ("checked (JST / UTC)", "確認日時（JST／UTC）"),
    "cert.raw_mark": ("as shown:", "表示："),
    "cert.from_cache": ("stored answer reused", "保存済みの回答を再利用"),
    "cert.no_page": ("no page received", "ページ受信なし"),
    "cert.record": ("Record", "記録"),
    "cert.inspection_id": ("Inspection ID", "点検ID"),
    "cert.inspected_at": ("Inspected at", "点検日時"),
    "cert.stock_no": ("Stock number", "在庫番号"),
    "cert.station": ("Station", "点検端末（ステーション）"),
    "cert.tenken_version": ("tenken version", "tenkenのバージョン"),
    "cert.policy": ("Policy", "判定ポリシー"),
    "cert.policy_sha256": ("Policy sha256", "判定ポリシーの sha256"),
    "cert.record_sha256": ("Record sha256", "記録の sha256"),
    "cert.earlier": (
        "Earlier inspection used (owner lock read in use)",
        "参照した前回点検（使用中に所有者ロックを確認）",
    ),
    "cert.verify": (
        "To check this certificate against the station's records:",
        "この証明書が記録と一致するかの確認：",
    ),
    # ------------------------------------------------------------------ the certificate: issuer, two reads (certs-16)
    "cert.issuer": ("Issued by", "発行者"),
    "cert.shop_name": ("Shop", "店名"),
    "cert.licence": ("Secondhand dealer licence", "古物商許可番号"),
    "cert.licence_value": ("{authority} 第{number}号", "{authority} 第{number}号"),
    "cert.technician": ("Technician", "担当者"),
    "cert.verify_url": (
        "To check this certificate, scan the QR code or open this address; the page must show the record "
        "sha256 printed above:",
        "この証明書の確認：QRコードを読み取るか次のアドレスを開き、上記の記録の sha256 が表示されることを"
        "確かめてください：",
    ),
    "cert.measured_earlier": ("measured earlier", "前回点検で実測"),
    "cert.owner_lock_earlier": (
        "off, read on {read_at} while the phone was in use (inspection {inspection}); the same phone: "
        "serial number {serial}, IMEI {imeis}; erased since",
        "{read_at}の点検（使用中、点検ID {inspection}）でオフと確認。同じ端末（シリアル番号 {serial}、"
        "IMEI {imeis}）で、その後初期化されています",
    ),
    "cert.no_identity": (
        "inspection {inspection} read neither an IMEI nor a serial number ({state:state}): a certificate must "
        "name the phone; inspect it again once it can be read",
        "点検 {inspection} ではIMEIもシリアル番号も読み取れていません（{state:state}）。証明書には端末の特定が"
        "必要です。読み取れる状態にしてから、もう一度点検してください",
    ),
    "cert.skipped": (
        "no certificate for {phone}: neither an IMEI nor a serial number was read ({state:state})",
        "{phone}の証明書は作成しません：IMEIもシリアル番号も読み取れていません（{state:state}）",
    ),
    "fact.model_number": ("Model number", "型番"),
    "colour.space_gray": ("Space Gray", "スペースグレイ"),
    "colour.silver": ("Silver", "シルバー"),
    "colour.gold": ("Gold", "ゴールド"),
    "colour.rose_gold": ("Rose Gold", "ローズゴールド"),
    "colour.blue": ("Blue", "ブルー"),
    "colour.pink": ("Pink", "ピンク"),
    "colour.green": ("Green", "グリーン"),
    "colour.white": ("White", "ホワイト"),
    "colour.yellow": ("Yellow", "イエロー"),
    # ------------------------------------------------------------------ tenken history: what changed
    "change.mark": ("{carrier} {imei}: {before} → {after}", "{carrier} {imei}：{before} → {after}"),
    "change.lock_on": ("{lock:fact}: now on", "{lock:fact}：ありに変化"),
    "change.lock_off": ("{lock:fact}: now off", "{lock:fact}：なしに変化"),
    "change.lock_unknown": ("{lock:fact}: no longer known", "{lock:fact}：不明に変化"),
    "change.level": (
        "{channel}: {before:level} → {after:level}",
        "{channel}：{before:level} → {after:level}",
    ),
    "change.battery": (
        "battery health {before} % → {after} %",
        "バッテリー最大容量 {before} % → {after} %",
    ),
    "history.inspection": ("inspection", "点検"),
    "history.lookup": ("carrier answer", "キャリア回答"),
    "history.when": ("when (JST)", "日時（JST）"),
    "history.what": ("what", "内容"),
    "history.changed": ("changed", "変化"),
    "history.nothing": ("nothing stored since {since}", "{since}以降の記録はありません"),
    # ------------------------------------------------------------------ tenken export
    "export.cp932_replaced": (
        "{count} characters cp932 cannot hold were written as 〓 (first: {first}); use --encoding utf-8-sig to keep them",
        "cp932で表せない{count}文字を〓に置き換えました（最初：{first}）。すべて残すには --encoding utf-8-sig を使ってください",
    ),
    "export.written": ("{count} inspections written to {path}", "{count}件の点検を {path} に書き出しました"),
    # ------------------------------------------------------------------ export --format xlsx: the header
    "export.sheet": ("Inspections", "点検一覧"),
    "column.date_jst": ("Date (JST)", "点検日時（JST）"),
    "column.inspected_at": ("Inspected at (UTC)", "点検日時（UTC）"),
    "column.inspection_id": ("Inspection ID", "点検ID"),
    "column.station": ("Station", "ステーション"),
    "column.stock_no": ("Stock no.", "管理番号"),
    "column.model": ("Model", "機種名"),
    "column.model_number": ("Model number", "型番"),
    "column.storage_gb": ("Storage (GB)", "容量（GB）"),
    "column.colour": ("Colour", "カラー"),
    "column.carrier_imei2": ("{carrier} (IMEI2)", "{carrier}（IMEI2）"),
    "column.sim_lock": ("SIM lock", "SIMロック"),
    "column.sim_lock_how": ("SIM lock: how known", "SIMロックの確認方法"),
    "column.find_my_frp": ("Find My / FRP", "アクティベーションロック・FRP"),
    "column.mdm": ("MDM / supervised", "MDM・監視"),
    "column.battery_health_pct": ("Battery health (%)", "バッテリー最大容量（%）"),
    "column.battery_how": ("Battery: how known", "バッテリーの確認方法"),
    "column.first_reason": ("First reason", "主な理由"),
    "column.first_reason_code": ("Reason code", "理由コード"),
    "column.certificate": ("Certificate", "点検証明書"),
    "ui.evidence_altered": ("ALTERED: not the recorded page", "改変あり：記録時のページと不一致"),
    "ui.http": ("HTTP", "HTTP"),
    "ui.saved_to": ("saved to", "保存先"),
    "evidence.title": ("carrier answers for {imei}", "{imei} のキャリア判定結果"),
    # ------------------------------------------------------------------ tenken demo
    "demo.title": ("tenken demo", "tenken デモ"),
    "demo.intro": (
        "Simulated phones and carrier checkers on 127.0.0.1 — nothing leaves this machine.",
        "127.0.0.1 上の模擬端末と模擬キャリア判定サイトで動かします。外部には一切接続しません。",
    ),
    "demo.starting": (
        "starting the simulated iPhones, the adb server and the Android phones…",
        "模擬iPhone・adbサーバー・模擬Android端末を起動しています…",
    ),
    "demo.board": (
        "tenken demo: the station, with phones plugged in and out on a schedule",
        "tenken デモ：端末を順に抜き差しするステーション",
    ),
    "demo.certificates": (
        "{count} certificates (点検証明書) written in {folder}, for example:",
        "点検証明書 {count} 件を {folder} に作成しました（例）：",
    ),
    "demo.erasing_one": (
        "{phone}: backed up, signed out, SIM removed, initialised; plugged in again",
        "{phone}：バックアップ・サインアウト・SIM取り外し・初期化を行い、再接続しました",
    ),
    "demo.second_read": (
        "Two reads make a sale: an erased phone cannot show its owner lock, so the shop reads it in use "
        "first, then erases it and inspects it again.",
        "販売には2回の点検が必要です。初期化した端末は所有者ロックを示せないため、使用中に一度点検し、初期化してから"
        "もう一度点検します。",
    ),
    "demo.recorded": (
        "recorded by the technician before the erase: {what}",
        "初期化前に作業者が記録：{what}",
    ),
    "stage.queued": ("queued", "順番待ち"),
    "stage.reading": ("reading", "読取中"),
    "stage.looking_up": ("asking carriers", "キャリア照会中"),
    "stage.judging": ("judging", "判定中"),
    "stage.waiting": ("waiting", "待機中"),
    "stage.done": ("done", "完了"),
    "stage.unplugged": ("unplugged before the end", "点検途中で抜去"),
    "watch.stage": ("stage", "進捗"),
    "watch.elapsed": ("time", "経過"),
    "watch.no_phones": ("no phone yet: plug one in", "端末を接続してください"),
    "watch.done": ("done", "完了"),
    "watch.waiting": ("waiting", "待機"),
    "watch.kept": ("stored", "保存済"),
    "watch.queues": ("carrier queues", "キャリア照会待ち"),
    "watch.webhooks": ("webhooks sent", "Webhook送信"),
    "watch.station": ("station", "ステーション"),
    "watch.title": (
        "tenken watch: plug phones in; Ctrl-C stops",
        "tenken watch：端末を接続してください（Ctrl-C で終了）",
    ),
    "watch.summary": ("{kept} inspections stored", "{kept} 件の点検結果を保存しました"),
    "watch.transport": ("{platform}: {problem}", "{platform}：{problem}"),
    # ------------------------------------------------------------------ the spool and the webhook sender
    "store.spool_stays": (
        "{rows} row(s) stay in {spool}: the database {where} cannot be written ({problem}); they go in "
        "once it can",
        "{rows} 件のデータが {spool} に残っています：データベース {where} に書き込めません（{problem}）。"
        "書き込めるようになり次第、保存されます",
    ),
    "webhook.refused": (
        "webhook: {problem}; sent again in {seconds} s",
        "Webhook：{problem}。{seconds} 秒後に再送します",
    ),
    "webhook.unmarked": (
        "webhook: {count} message(s) delivered, but the outbox cannot record it ({problem}); not sent "
        "again, recording tried again in {seconds} s",
        "Webhook：{count} 件は受信側に届きましたが、送信済みの記録を書き込めません（{problem}）。"
        "再送はせず、{seconds} 秒後に記録を再試行します",
    ),
    "webhook.outbox_unread": (
        "webhook: the outbox cannot be read ({problem}); tried again in {seconds} s",
        "Webhook：送信待ちのメッセージを読み込めません（{problem}）。{seconds} 秒後に再試行します",
    ),
    "recheck.asking": (
        "asking the carriers again about {count} phone(s)…",
        "{count} 台についてキャリアに再照会しています…",
    ),
    "recheck.nothing_due": ("nothing is due for a re-check", "再照会が必要な端末はありません"),
    "recheck.would_ask": ("{count} phone(s) are due for a re-check:", "再照会の対象：{count} 台"),
    # ------------------------------------------------------------------ issue 16 (board-16): re-checks, the board
    "recheck.next_due": (
        "next due: {phone}[ ({imei})]: {carrier} {answer}, read {read_at}, due at {due_at}",
        "次の再照会：{phone}[（{imei}）]の{carrier} {answer}（{read_at}取得）は {due_at} から再照会の対象です",
    ),
    "recheck.next_due_unasked": (
        "next due: {phone}[ ({imei})]: the carriers, not asked at its inspection of {read_at}, due at {due_at}",
        "次の再照会：{phone}[（{imei}）]（{read_at}の点検でキャリア未照会）は {due_at} から再照会の対象です",
    ),
    "recheck.nothing_waiting": (
        "no phone inspected since {since} has an answer that --status asks again",
        "{since}以降に点検した端末に、--status で再照会する回答はありません",
    ),
    "stage.removed": ("unplugged", "抜去済み"),  # done, then unplugged: its result stays on the board
    "stage.free": ("free", "空き"),  # a [ports] port no phone has been on
    "watch.state": ("state", "状態"),  # the board's stage and focus level in one column
    # ------------------------------------------------------------------ (end of board-16's block)
    "recheck.answers": ("carriers' answers", "キャリアの判定"),
    "recheck.verdicts": ("verdicts", "販売判定"),
    "recheck.summary": (
        "re-checked {count} phone(s); {changed} changed",
        "{count} 台を再照会し、{changed} 台で変化がありました",
    ),
    "demo.port": ("port", "ポート"),
    "demo.phone": ("phone", "端末"),
    "demo.try": (
        "Try: tenken sim ios / tenken sim android / tenken sim carriers, then tenken inspect and tenken "
        "lookup against them (see docs/simulators.md).",
        "次は tenken sim ios / tenken sim android / tenken sim carriers を起動し、tenken inspect や "
        "tenken lookup を試してください（docs/simulators.md）。",
    ),
    # ------------------------------------------------------------------ tenken doctor
    "doctor.heading.check": ("check", "確認項目"),
    "doctor.heading.status": ("status", "結果"),
    "doctor.heading.found": ("found", "状況"),
    "doctor.heading.fix": ("to do", "対処"),
    "doctor.status.ok": ("ok", "正常"),
    "doctor.status.warn": ("warn", "注意"),
    "doctor.status.fail": ("fail", "要対処"),
    "doctor.check.usbmuxd": ("usbmuxd", "usbmuxd（iPhone）"),
    "doctor.check.adb_server": ("adb server", "adbサーバー"),
    "doctor.check.udev_android": ("udev (Android)", "udevルール（Android）"),
    "doctor.check.udev_iphone": ("udev (iPhone)", "udevルール（iPhone）"),
    "doctor.check.usb_permissions": ("USB permissions", "USBの権限"),
    "doctor.check.data_folder": ("data folder", "データフォルダー"),
    "doctor.check.database": ("database", "データベース"),
    "doctor.check.carrier_sites": ("carrier sites", "キャリアのサイト"),
    "doctor.check.webhook": ("webhook", "Webhookの送信先"),
    "doctor.why.timeout": ("no answer within {seconds} s", "{seconds} 秒以内に応答がありません"),
    "doctor.why.refused": ("connection refused", "接続を拒否されました"),
    "doctor.why.no_socket": ("no socket there", "ソケットがありません"),
    "doctor.why.denied": ("permission denied", "アクセス権がありません"),
    "doctor.why.unknown_host": ("host name not found", "ホスト名が見つかりません"),
    "doctor.why.other": ("{detail}", "エラー：{detail}"),
    "doctor.usbmuxd.ok": (
        "{address}: {phones} iPhone(s) attached[; {version}]",
        "{address}：接続中のiPhone {phones} 台[（{version}）]",
    ),
    "doctor.usbmuxd.unreachable": (
        "not reachable at {address}: {reason}",
        "{address} の usbmuxd に接続できません：{reason}",
    ),
    "doctor.usbmuxd.start": (
        "install and start usbmuxd (apt install usbmuxd; it starts when an iPhone is plugged in), or set "
        "ios.usbmux",
        "usbmuxd をインストールして起動してください（apt install usbmuxd。iPhoneを接続すると起動します）。"
        "別の場所で動かしている場合は ios.usbmux を設定してください",
    ),
    "doctor.adb.ok": (
        "{address}, version {version}, {phones} phone(s), loopback only",
        "{address}：バージョン {version}、端末 {phones} 台、ループバックのみで待ち受け",
    ),
    "doctor.adb.not_running": ("not running at {address}", "{address} で動いていません"),
    "doctor.adb.started_on_first_use": (
        "tenken starts it (loopback only) when it first looks for Android phones",
        "Android端末を初めて探すときに tenken が起動します（ループバックのみで待ち受け）",
    ),
    "doctor.adb.not_adb": (
        "something listens at {address} but does not answer as an adb server ({reason})",
        "{address} で待ち受けているプログラムが adb サーバーとして応答しません（{reason}）",
    ),
    "doctor.adb.check_port": (
        "run `tenken inspect --platform android` once to check; if it fails, see what listens on port "
        "{port} (`ss -ltnp`) or set android.adb_port",
        "`tenken inspect --platform android` を一度実行して確認してください。失敗する場合は、ポート {port} で"
        "待ち受けているプログラムを確認する（`ss -ltnp`）か、android.adb_port を設定してください",
    ),
    "doctor.adb.exposed": (
        "version {version}, listening on {addresses}: phones can be reached from the network",
        "バージョン {version}。{addresses} で待ち受けています：ネットワークから端末を操作できる状態です",
    ),
    "doctor.adb.restart": (
        "`adb -P {port} kill-server`, unset ADB_SERVER_SOCKET, and let tenken start it (loopback only)",
        "`adb -P {port} kill-server` を実行し、ADB_SERVER_SOCKET を解除して、tenken に起動させてください"
        "（ループバックのみで待ち受けます）",
    ),
    "doctor.udev.rule": ("{path}", "ルールファイル：{path}"),
    "doctor.udev.no_android_rule": (
        "no rule gives this user access to Android phones' ADB interface",
        "このユーザーがAndroid端末のADBインターフェースにアクセスするためのudevルールがありません",
    ),
    "doctor.udev.install": ("sudo tenken udev install", "sudo tenken udev install を実行してください"),
    "doctor.udev.no_usbmuxd_rule": (
        "usbmuxd's udev rule is not installed",
        "usbmuxd の udev ルールがインストールされていません",
    ),
    "doctor.udev.install_usbmuxd": ("apt install usbmuxd", "apt install usbmuxd を実行してください"),
    "doctor.usb.none_attached": (
        "no Android phone with USB debugging attached to check",
        "確認できる端末がありません（USBデバッグが有効なAndroid端末が接続されていません）",
    ),
    "doctor.usb.denied": ("cannot open {nodes}", "{nodes} を開けません"),
    "doctor.usb.fix": (
        "sudo tenken udev install; add this user to plugdev; replug the phones",
        "sudo tenken udev install を実行し、このユーザーを plugdev グループに追加してから、端末を挿し直してください",
    ),
    "doctor.usb.ok": ("{count} Android phone(s) can be opened", "Android端末 {count} 台を開けます"),
    "doctor.data.ok": ("{path} (writable)", "{path}（書き込み可）"),
    "doctor.data.not_writable": (
        "{path} is not writable by this user",
        "このユーザーは {path} に書き込めません",
    ),
    "doctor.data.fix": (
        "set data_dir or TENKEN_DATA_DIR",
        "data_dir または TENKEN_DATA_DIR を設定してください",
    ),
    "doctor.db.first_use": ("{where}: created on first use", "{where}：初回使用時に作成されます"),
    "doctor.db.current": ("{where}: schema {revision} (latest)", "{where}：スキーマ {revision}（最新）"),
    "doctor.db.empty": ("{where}: no tables yet", "{where}：テーブルがまだありません"),
    "doctor.db.older": (
        "{where}: schema {revision}, latest {head}",
        "{where}：スキーマ {revision}（最新は {head}）",
    ),
    "doctor.db.migrates": ("tenken migrates it on the next run", "次回の実行時に tenken が更新します"),
    "doctor.db.newer": (
        "{where}: schema {revision} is newer than this tenken knows",
        "{where}：スキーマ {revision} はこの tenken より新しいバージョンのものです",
    ),
    "doctor.db.upgrade": ("upgrade tenken", "tenken をアップグレードしてください"),
    "doctor.db.no_folder": (
        "{where}: the folder {folder} does not exist",
        "{where}：フォルダー {folder} がありません",
    ),
    "doctor.db.fix_setting": ("check db / TENKEN_DB", "db / TENKEN_DB の設定を確認してください"),
    "doctor.db.unreachable": ("{where}: {detail}", "{where}：接続できません（{detail}）"),
    "doctor.db.start_server": (
        "start the database server or fix db / TENKEN_DB",
        "データベースサーバーを起動するか、db / TENKEN_DB を修正してください",
    ),
    "doctor.db.unusable": ("{where}: {detail}", "{where}：開けません（{detail}）"),
    "doctor.carriers.sites": ("configured (never contacted): {sites}", "設定（接続はしていません）：{sites}"),
    "doctor.carriers.site": ("{carrier:carrier} {origin}", "{carrier:carrier}：{origin}"),
    "doctor.carriers.off": ("{carrier:carrier} off", "{carrier:carrier}：無効"),
    "doctor.carriers.not_a_url": (
        '{carrier:carrier}: origin "{origin}" is not a URL',
        "{carrier:carrier}：接続先「{origin}」はURLではありません",
    ),
    "doctor.carriers.fix_origin": ("fix lookup.{key}.origin", "lookup.{key}.origin を修正してください"),
    "doctor.carriers.local": (
        "{carriers:carrier} point at this machine (a simulator?)",
        "{carriers:carrier} はこのマシンを指しています（シミュレーターでしょうか？）",
    ),
    "doctor.webhook.none": ("none configured", "設定されていません"),
    "doctor.webhook.not_http": (
        "{url} is not an http(s) URL",
        "{url} は http または https のURLではありません",
    ),
    "doctor.webhook.fix_url": ("fix webhook.url", "webhook.url を修正してください"),
    "doctor.webhook.no_answer": (
        "{host}:{port} does not answer ({reason})",
        "{host}:{port} が応答しません（{reason}）",
    ),
    "doctor.webhook.start_receiver": (
        "start the receiver or fix webhook.url; results wait in the outbox meanwhile",
        "受信側を起動するか、webhook.url を修正してください。それまでの点検結果は送信待ちとして保存されます",
    ),
    "doctor.webhook.bad_secret": (
        "{host}:{port} answers; webhook.secret starts with whsec_ but is not base64 after it",
        "{host}:{port} は応答しますが、webhook.secret が whsec_ で始まり、その後がbase64ではありません",
    ),
    "doctor.webhook.fix_secret": ("fix webhook.secret", "webhook.secret を修正してください"),
    "doctor.webhook.signed": ("{host}:{port} answers; signed", "{host}:{port} は応答します（署名あり）"),
    "doctor.webhook.unsigned": (
        "{host}:{port} answers; NOT signed (no webhook.secret)",
        "{host}:{port} は応答しますが、署名されません（webhook.secret が未設定）",
    ),
    # ------------------------------------------------------------------ tenken doctor --carriers (doctor-18)
    "doctor.pages.carrier": ("carrier", "キャリア"),
    "doctor.pages.day": ("for today's look-ups", "今日の照会"),
    "doctor.pages.fetched": (
        "Fetched (the evidence of this check; no IMEI was sent)",
        "取得したページ（この確認の証拠。IMEIは送信していません）",
    ),
    "doctor.pages.bytes": ("bytes", "バイト"),
    "doctor.pages.time": ("time", "日時"),
    "doctor.pages.answer_at": ("{carrier:carrier} {markers}", "{carrier:carrier}：{markers}"),
    "doctor.pages.no_imei": (
        "Not checked, since no IMEI was sent: where an answer page holds the mark ({places})",
        "IMEIを送信していないため未確認：回答ページで判定記号が表示される箇所（{places}）",
    ),
    "doctor.state.ready": ("ready", "照会可"),
    "doctor.state.experimental": ("experimental", "試験的"),
    "doctor.state.captcha": ("CAPTCHA", "画像認証あり"),
    "doctor.state.refused": ("refused", "拒否"),
    "doctor.state.javascript": ("needs a browser", "ブラウザが必要"),
    "doctor.state.changed": ("page changed", "ページ変更"),
    "doctor.state.redirected": ("sent elsewhere", "別サイトへ転送"),
    "doctor.state.maintenance": ("maintenance", "メンテナンス中"),
    "doctor.state.unreachable": ("unreachable", "接続不可"),
    "doctor.state.off": ("off", "無効"),
    "doctor.site.form": (
        "the form posts to {action} with {field}[; copies {hidden}]",
        "フォームは {action} へ {field} を送信します[（{hidden} も送信）]",
    ),
    "doctor.site.lacks": (
        "the form lacks what tenken fills in or copies: {missing}",
        "tenken が入力・送信する項目がフォームにありません：{missing}",
    ),
    "doctor.site.no_form": (
        "no IMEI form on the page ({chars} characters of text)",
        "ページにIMEIの入力フォームがありません（本文 {chars} 文字）",
    ),
    "doctor.site.no_form_script": (
        "no IMEI form on the page: it is built by a script a browser runs",
        "ページにIMEIの入力フォームがありません。ブラウザで動くスクリプトが作るページです",
    ),
    "doctor.site.app": (
        "the page answers (a JavaScript app); tenken asks {api} instead",
        "ページは応答しました（JavaScriptのアプリ）。tenken は代わりに {api} に問い合わせます",
    ),
    "doctor.site.captcha": (
        "the page asks for an image code (CAPTCHA)",
        "ページが画像認証（CAPTCHA）を求めています",
    ),
    "doctor.site.refused": (
        "the site refused a program (HTTP {status}): a bot check",
        "サイトがプログラムからのアクセスを拒否しました（HTTP {status}）：ボット対策",
    ),
    "doctor.site.maintenance": ("a maintenance page", "メンテナンス中のページです"),
    "doctor.site.http_status": ("the site answered HTTP {status}", "サイトの応答は HTTP {status} でした"),
    "doctor.site.not_there": (
        "the page is not there (HTTP {status}): its address may have moved",
        "ページがありません（HTTP {status}）。アドレスが変わった可能性があります",
    ),
    "doctor.site.too_large": (
        "the page is larger than tenken reads (lookup.max_page_bytes)",
        "ページが tenken の読み取る上限（lookup.max_page_bytes）を超えています",
    ),
    "doctor.site.unreachable": ("{reason}", "接続エラー：{reason}"),
    "doctor.site.redirected": (
        "the site sent the request to {target}, outside its origin: not followed",
        "サイトが問い合わせを元のサイトの外（{target}）へ転送しました。転送先には接続していません",
    ),
    "doctor.site.off": ("switched off (lookup.{key}.enabled)", "無効（lookup.{key}.enabled）"),
    "doctor.day.ready": ("look-ups will be automatic", "自動で照会できます"),
    "doctor.day.experimental": (
        "tenken asks an experimental JSON endpoint that cannot be checked without an IMEI: an IMEI it gives "
        "no plain answer for (one Rakuten did not sell included) will be a hand-off",
        "試験的なJSONエンドポイントに問い合わせます（IMEIなしでは確認できません）。明確な回答がないIMEI"
        "（楽天モバイルが販売していない端末を含む）は手動確認になります",
    ),
    "doctor.day.captcha": (
        "look-ups will be hand-offs: a person reads the image code in a browser",
        "照会は手動確認になります：担当者がブラウザで画像認証の文字を読んで確認してください",
    ),
    "doctor.day.refused": (
        "refused to programs — look-ups will be hand-offs: a person checks in a browser",
        "プログラムからのアクセスを拒否しています。照会は手動確認になります：担当者がブラウザで確認してください",
    ),
    "doctor.day.javascript": (
        "look-ups will be hand-offs: a person checks in a browser",
        "照会は手動確認になります：担当者がブラウザで確認してください",
    ),
    "doctor.day.changed": (
        "not the page tenken reads — no mark will be read there until tenken is updated: check by hand",
        "tenken が読み取るページではありません。tenken を更新するまで判定を読み取れません：手動で確認してください",
    ),
    "doctor.day.redirected": (
        "tenken does not follow the site elsewhere — no mark will be read: check lookup.{key}.origin, "
        "or check by hand",
        "tenken は別サイトへの転送に従いません。判定を読み取れません：lookup.{key}.origin を確認するか、"
        "手動で確認してください",
    ),
    "doctor.day.maintenance": (
        "look-ups will be unavailable until the maintenance ends",
        "メンテナンスが終わるまで照会できません",
    ),
    "doctor.day.unreachable": (
        "look-ups will be unavailable: check the network, a proxy, or lookup.{key}.origin",
        "照会できません：ネットワーク、プロキシ、lookup.{key}.origin を確認してください",
    ),
    "doctor.day.off": ("not asked", "問い合わせません"),
    # ------------------------------------------------------------------ (end of doctor-18's block)
    # ------------------------------------------------------------------ the verdict: levels, reasons, actions
    "level.SELLABLE": ("SELLABLE", "販売可"),
    "level.SELLABLE_WITH_DISCLOSURE": ("SELLABLE, disclose", "告知して販売可"),
    "level.HOLD": ("HOLD", "保留"),
    "level.PARTS_ONLY": ("PARTS ONLY", "部品取りのみ"),
    "level.BLOCKED": ("BLOCKED", "販売不可"),
    "cond.not_ready": ("phone not ready", "端末の準備待ち"),
    "cond.imei_unknown": ("IMEI not read", "IMEI未取得"),
    "cond.imei_invalid": ("IMEI fails its check digit", "IMEI不正"),
    "cond.imei_mismatch": ("not the IMEI expected", "IMEIが予定と不一致"),
    "cond.imei2_only_registered": ("only IMEI2 registered", "IMEI2のみ登録"),
    "cond.owner_lock_on": ("owner account lock", "所有者ロックあり"),
    "cond.owner_lock_unknown": ("owner lock not known", "所有者ロック不明"),
    "cond.owner_lock_off_earlier": ("owner lock off (earlier read)", "所有者ロックなし（前回点検）"),
    "cond.mdm_enrolled": ("MDM / supervised", "MDM管理下"),
    "cond.mdm_unknown": ("MDM not known", "MDM不明"),
    "cond.restricted": ("× 赤ロム", "× 赤ロム"),
    "cond.pending": ("△ instalments", "△ 分割支払中"),
    "cond.not_checked": ("carriers not asked", "キャリア未確認"),
    "cond.carrier_unanswered": ("carrier did not answer", "キャリア回答なし"),
    "cond.not_registered_carrier_model": ("− everywhere for a carrier model", "キャリア機種なのに登録なし"),
    "cond.in_use": ("in use: initialise", "使用中（要初期化）"),
    "cond.setup_unknown": ("setup state not known", "初期化状態不明"),
    "cond.sim_inserted": ("SIM card inside", "SIMカードあり"),
    "cond.sim_presence_unknown": ("SIM tray not known", "SIM有無不明"),
    "cond.bootloader_unlocked": ("bootloader unlocked", "ブートローダー解除"),
    "cond.bootloader_unknown": ("bootloader not known", "ブートローダー不明"),
    "cond.sim_locked": ("SIM-locked", "SIMロックあり"),
    "cond.sim_lock_unconfirmed": ("SIM lock not confirmed", "SIMロック未確認"),
    "cond.battery_worn": ("battery worn (below the line)", "バッテリー劣化（基準未満）"),
    "cond.battery_unknown": ("battery not measured", "バッテリー未測定"),
    "guess.True": ("possibly SIM-locked", "SIMロックありの可能性"),
    "guess.False": ("probably not SIM-locked", "SIMロックなしの見込み"),
    "reason.not_ready": (
        "the phone is not ready: {state:state}",
        "端末の準備ができていません：{state:state}",
    ),
    "reason.imei_unknown": ("no IMEI was read", "IMEIを読み取れていません"),
    "reason.imei_invalid": (
        "IMEI {imei} fails its check digit: possible tampering",
        "IMEI {imei} のチェックディジットが合いません（改ざんの可能性）",
    ),
    "reason.imei_mismatch": (
        "the phone's IMEI ({read}) is not the one expected ({expected})",
        "端末のIMEI（{read}）が予定のIMEI（{expected}）と違います",
    ),
    "reason.imei2_only_registered": (
        "IMEI is not registered anywhere but IMEI2 is, at {carriers}: possible tampering",
        "IMEIはどこにも登録がないのに、IMEI2が{carriers}に登録されています（改ざんの可能性）",
    ),
    "reason.owner_lock_on": (
        "still tied to its owner's account[: {accounts}][ ({note})]",
        "所有者のアカウントが残っています[：{accounts}][（{note}）]",
    ),
    "reason.owner_lock_unknown": (
        "whether an owner account still locks the phone is not known[: {why}]",
        "所有者アカウントのロック（アクティベーションロック／FRP）の有無が不明です[：{why}]",
    ),
    "reason.owner_lock_erased_android": (
        "no account is listed, but the phone has not finished setup: after a reset FRP keeps the "
        "previous owner's Google account until setup",
        "アカウントは表示されませんが初期設定が終わっていません。初期化後のFRPは初期設定まで前の所有者の"
        "Googleアカウントを求めます",
    ),
    "reason.owner_lock_off_earlier": (
        "owner lock measured off by the inspection of {read_at}, while the phone was in use; erased since",
        "{read_at}の点検（使用中）で所有者ロックがオフと確認済み。その後初期化されています",
    ),
    "reason.mdm_enrolled": (
        "managed by an organisation (MDM)[: {note}]",
        "組織の管理下（MDM）にあります[：{note}]",
    ),
    "reason.mdm_unknown": (
        "whether an organisation manages the phone (MDM) is not known[: {why}]",
        "組織の管理（MDM）の有無が不明です[：{why}]",
    ),
    "reason.restricted": (
        "× network restriction (赤ロム) at {carriers} on {imeis}",
        "{carriers}でネットワーク利用制限×（赤ロム）：{imeis}",
    ),
    "reason.pending": (
        "△ at {carriers} on {imeis}: instalments still running, may turn ×",
        "{carriers}で△（分割支払中、×になる可能性）：{imeis}",
    ),
    "reason.not_checked": (
        "the carriers were not asked (--no-lookup)",
        "キャリアに問い合わせていません（--no-lookup）",
    ),
    "reason.carrier_unanswered": (
        "{carriers} could have sold the phone and did not answer[ about {imeis}]",
        "販売した可能性のある{carriers}から[{imeis}についての]回答が得られませんでした",
    ),
    "reason.not_registered_carrier_model": (
        "the model was made for {carrier}, yet no carrier knows this IMEI: a wrong IMEI, a swapped board, "
        "or a record not yet reflected (up to two days)",
        "{carrier}向けの機種なのにどのキャリアにもIMEIの登録がありません。IMEIの誤り、基板交換、または反映待ち"
        "（最大2日）の可能性があります",
    ),
    "reason.in_use": (
        "set up and in use: the owner's data and accounts are on it",
        "初期設定済みで使用中です（所有者のデータとアカウントが残っています）",
    ),
    "reason.setup_unknown": (
        "whether the phone was initialised is not known[: {why}]",
        "初期化済みかどうか不明です[：{why}]",
    ),
    "reason.sim_inserted": (
        "a SIM card is still in the phone ({sim})",
        "SIMカードが挿さったままです（{sim}）",
    ),
    "reason.sim_presence_unknown": (
        "whether a SIM card is in the phone is not known[: {why}]",
        "SIMカードの有無が不明です[：{why}]",
    ),
    "reason.bootloader_unlocked": (
        "the bootloader is unlocked (custom OS possible)",
        "ブートローダーがアンロックされています（カスタムOSの可能性）",
    ),
    "reason.bootloader_unknown": (
        "whether the bootloader is locked is not known[: {why}]",
        "ブートローダーのロック状態が不明です[：{why}]",
    ),
    "reason.sim_locked": ("SIM-locked (measured)[: {note}]", "SIMロックあり（実測）[：{note}]"),
    "reason.sim_lock_unconfirmed": (
        "SIM lock not confirmed[ ({guess:guess})][: {note}]",
        "SIMロック未確認[（{guess:guess}）][：{note}]",
    ),
    "reason.battery_worn": (
        "battery health {percent} %, below {line} %",
        "バッテリー最大容量 {percent} %（{line} %未満）",
    ),
    "reason.battery_unknown": ("battery health was not measured", "バッテリーの状態を測定していません"),
    "todo.record_imei": (
        "read the IMEI with *#06# or from the tray and record it (tenken record)",
        "*#06# またはSIMトレイでIMEIを確認し、記録してください（tenken record）",
    ),
    "todo.check_tampering": (
        "compare *#06#, the tray and the box; do not buy until they agree",
        "*#06#・SIMトレイ・箱の表示を照合し、一致するまで買い取らないでください",
    ),
    "todo.find_my_off": (
        "the owner turns off Find My and signs out of iCloud in person; then inspect again",
        "所有者本人が「iPhoneを探す」をオフにしてiCloudからサインアウトし、もう一度点検してください",
    ),
    "todo.remove_account": (
        "the owner removes the account[ ({where})]; then inspect again",
        "所有者がアカウントを削除[（{where}）]してから、もう一度点検してください",
    ),
    "todo.read_owner_lock": (
        "read the owner lock before erasing (inspect the phone in use)[, or go through setup to {where}]",
        "初期化する前（使用中の状態）に点検して所有者ロックを確認してください[。または初期設定を{where}まで進めて確認してください]",
    ),
    "todo.organisation_releases": (
        "the organisation releases the phone from its management",
        "管理している組織に端末の管理解除を依頼してください",
    ),
    "todo.read_management": (
        "unlock the phone and inspect again[, or check {where}]",
        "ロックを解除してもう一度点検してください[。または {where} を確認してください]",
    ),
    "todo.keep_evidence": (
        "keep the dated evidence (tenken evidence); sell as parts or Wi-Fi only where the policy allows",
        "日付入りの判定結果（tenken evidence）を保管し、方針が認める場合のみ部品取り・Wi-Fi専用として扱ってください",
    ),
    "todo.recheck_pending": (
        "re-check △ within a day of listing (tenken recheck); offer a 赤ロム保証",
        "出品の1日以内に△を再確認し（tenken recheck）、赤ロム保証を付けてください",
    ),
    "todo.look_up": (
        "look the IMEIs up (tenken inspect without --no-lookup)",
        "IMEIを問い合わせてください（--no-lookup なしで点検）",
    ),
    "todo.check_by_hand": (
        "check in a browser — {pages} — with tenken opening the page (tenken handoff IMEI), or by hand, "
        "recording each mark with a screenshot (tenken record mark CARRIER MARK --imei IMEI --evidence FILE)",
        "ブラウザで確認してください — {pages} — tenkenがページを開く（tenken handoff IMEI）か、手動で確認して"
        "判定をスクリーンショット付きで記録してください（tenken record mark キャリア 判定 --imei IMEI --evidence ファイル）",
    ),
    "todo.checker_page": (
        "{carrier:carrier} at {url}: IMEI {imeis}",
        "{carrier:carrier}（{url}）でIMEI {imeis}",
    ),
    "todo.check_imei_again": (
        "check the IMEI against *#06# and the tray; re-check after two days",
        "IMEIを *#06# とSIMトレイで確認し、2日後に再確認してください",
    ),
    "todo.initialise": (
        "back up, sign out, then initialise; inspect again after the erase",
        "バックアップしてサインアウトし、初期化してから、もう一度点検してください",
    ),
    "todo.look_at_screen": (
        "look at the phone: is it at the setup screen?",
        "端末が初期設定画面かどうか確認してください",
    ),
    "todo.remove_sim": ("remove the SIM card (and delete eSIMs)", "SIMカードを抜いてください（eSIMも削除）"),
    "todo.look_at_tray": ("open the SIM tray and look", "SIMトレイを開けて確認してください"),
    "todo.check_bootloader": (
        "check the bootloader in fastboot / download mode",
        "fastboot／ダウンロードモードでブートローダーを確認してください",
    ),
    "todo.relock": (
        "flash the stock firmware and relock the bootloader",
        "純正ファームウェアを書き込み、ブートローダーを再ロックしてください",
    ),
    "todo.offer_unlock": (
        "disclose it; offer the carrier's free SIM unlock (models from 2015-05)",
        "告知してください。キャリアの無料SIMロック解除（2015年5月以降の機種）を案内してください",
    ),
    "todo.read_sim_lock": (
        "read {where}, or insert another carrier's SIM; record it (tenken record sim-lock)",
        "{where} を見るか他社のSIMを挿して確認し、記録してください（tenken record sim-lock）",
    ),
    "todo.disclose_battery": (
        "disclose the battery health, or replace the battery",
        "バッテリーの状態を告知するか、交換してください",
    ),
    "todo.record_battery": (
        "read the battery's health[ in {where}] and record it (tenken record battery)",
        "[{where} で]バッテリーの状態を確認し、記録してください（tenken record battery）",
    ),
    # ------------------------------------------------------------------ where a person reads a fact (certs-16)
    "todo.try_other_sim": (
        "insert a SIM of another carrier: a SIM-locked phone refuses it or asks for an unlock code; record "
        "what it did (tenken record sim-lock)",
        "他社のSIMを挿してください（SIMロックがあれば使えないか、ロック解除コードを求められます）。結果を記録して"
        "ください（tenken record sim-lock）",
    ),
    "where.sim_lock.ios": (
        "Settings › General › About › SIM Lock (iOS 14 and later)",
        "設定 › 一般 › 情報 › SIMロック（iOS 14以降）",
    ),
    "where.sim_lock.sony": (
        "Settings › About phone › SIM card status (“allowed” means unlocked)",
        "設定 › デバイス情報 › SIMカードステータス（「許可されています」ならSIMロックなし）",
    ),
    "where.battery.ios": (
        "Settings › Battery › Battery Health (& Charging) › Maximum Capacity",
        "設定 › バッテリー › バッテリーの状態（と充電） › 最大容量",
    ),
    "where.battery.samsung": (
        "Settings › Battery › Battery information",
        "設定 › バッテリー › バッテリー情報",
    ),
    "where.battery.japanese_maker": (
        "Settings › About phone › Battery performance",
        "設定 › デバイス情報（端末情報） › 電池性能表示",
    ),
    "where.battery.google": (
        "Settings › Battery › Battery health (Pixel 8a and later)",
        "設定 › バッテリー › バッテリーの状態（Pixel 8a以降）",
    ),
    "where.battery.android": (
        "the maker's settings or diagnostics app (Android itself shows no capacity)",
        "メーカーの設定画面または診断アプリ（Android標準では容量を表示しません）",
    ),
    "where.management.ios": (
        "Settings › General › VPN & Device Management",
        "設定 › 一般 › VPNとデバイス管理",
    ),
    "where.management.samsung": (
        "Settings › Security and privacy › Other security settings › Device admin apps, and Settings › "
        "Accounts and backup for a work profile",
        "設定 › セキュリティおよびプライバシー › その他のセキュリティ設定 › デバイス管理アプリ と 設定 › "
        "アカウントとバックアップ（仕事用プロファイル）",
    ),
    "where.management.android": (
        "Settings › Security › Device admin apps, and Settings › Accounts for a work profile",
        "設定 › セキュリティ › デバイス管理アプリ と 設定 › アカウント（仕事用プロファイル）",
    ),
    "where.owner_lock.ios": (
        "the activation screen, where Activation Lock asks for the previous owner's Apple ID",
        "アクティベーション画面（アクティベーションロックがあれば前の所有者のApple IDを求められます）",
    ),
    "where.owner_lock.android": (
        "the screen after Wi-Fi, where FRP asks for the previous owner's Google account",
        "Wi-Fi接続の次の画面（FRPがあれば前の所有者のGoogleアカウントを求められます）",
    ),
    "where.owner_lock.samsung": (
        "the screen after Wi-Fi, where FRP asks for the previous owner's Google account and Reactivation "
        "Lock for their Samsung account",
        "Wi-Fi接続の次の画面（FRPがあれば前の所有者のGoogleアカウント、リアクティベーションロックがあれば"
        "Samsungアカウントを求められます）",
    ),
    "where.accounts.samsung": (
        "Settings › Accounts and backup › Manage accounts",
        "設定 › アカウントとバックアップ › アカウント管理",
    ),
    "where.accounts.google": ("Settings › Passwords & accounts", "設定 › パスワードとアカウント"),
    "where.accounts.android": ("Settings › Accounts", "設定 › アカウント"),
    "where.imei": ("*#06# or the SIM tray", "*#06# またはSIMトレイ"),
    "where.by_hand": ("read by hand", "手動で確認"),
    "where.other_sim": ("another carrier's SIM", "他社SIMでの確認"),
    # ------------------------------------------------------------------ grade-19: what the trade writes (RMJ)
    "fact.grade": ("Grade", "外観グレード"),
    "fact.grade_class": ("Grade counts as", "グレード区分"),
    "fact.ng_items": ("NG items", "NG項目"),
    "fact.grade_photos": ("Photos of the phone", "端末の写真"),
    "fact.erased": ("Initialised", "初期化済み"),
    "fact.erasure_checks": ("Erasure checklist", "データ消去の確認"),
    "cond.grade_unknown": ("not graded", "グレード未評価"),
    "cond.grade_j": ("grade J (junk)", "ジャンク（J）"),
    "cond.grade_c": ("grade C (cracked or chipped)", "グレードC（割れ・欠け）"),
    "cond.erasure_unconfirmed": ("erasure not confirmed", "データ消去未確認"),
    "reason.grade_unknown": (
        "no grade entered: the appearance grade is a person's (S A B C J)",
        "外観グレードが未入力です（S・A・B・C・Jは人が評価します）",
    ),
    "reason.grade_j": ("graded {grade} (junk)[: NG {ng}]", "グレード{grade}（ジャンク）[：NG項目 {ng}]"),
    "reason.grade_c": (
        "graded {grade}[: {ng}] (cracked or chipped glass or case)",
        "グレード{grade}[：{ng}]（ガラス・筐体の割れ・欠け）",
    ),
    "reason.erasure_unconfirmed": (
        "data erasure not confirmed: missing {missing}",
        "データ消去が未確認です（不足：{missing}）",
    ),
    "erasure.missing.measured": ("the phone read initialised", "初期化済みの読み取り"),
    "erasure.missing.resets": ("two factory resets", "初期化2回"),
    "erasure.missing.checked_by": ("a second person's check", "第三者確認"),
    "erasure.missing.felica": (
        "FeliCa cleared or its owner warned",
        "FeliCa（おサイフケータイ）の消去または案内",
    ),
    "erasure.missing.jpki": ("the smartphone digital certificate revoked", "スマホ用電子証明書の失効"),
    "todo.record_grade": (
        "grade the phone's appearance and record it (tenken record grade S|A|B|C|J)",
        "外観を評価して記録してください（tenken record grade S|A|B|C|J）",
    ),
    "todo.sell_as_junk": (
        "sell it as junk, with its NG items shown",
        "NG項目を明記してジャンクとして販売してください",
    ),
    "todo.disclose_grade": (
        "show the grade and its details in the listing",
        "グレードとその内容を掲載に明記してください",
    ),
    "todo.erase": (
        "initialise the phone and inspect it again at the setup screen, then record the checklist "
        "(tenken record erasure)",
        "初期化して初期設定画面で再点検し、確認項目を記録してください（tenken record erasure）",
    ),
    "todo.confirm_erasure": (
        "have a second person check the erasure and record it: tenken record erasure resets=2 "
        "checked-by=NAME felica=cleared|warned|none jpki=revoked|none",
        "第三者が消去を確認して記録してください：tenken record erasure resets=2 checked-by=氏名 "
        "felica=cleared|warned|none jpki=revoked|none",
    ),
    "erased.setup_assistant": (
        "at the Setup Assistant: initialised (read {at})",
        "初期設定アシスタント表示中：初期化済み（{at} 測定）",
    ),
    "erased.setup_wizard": (
        "at the setup wizard with no account: initialised (read {at})",
        "初期設定ウィザード表示中・アカウントなし：初期化済み（{at} 測定）",
    ),
    "erased.after_in_use": (
        "{note}; read in use on {before}, so erased since (measured)",
        "{note}。{before} に使用中の状態を点検しており、その後の初期化を実測",
    ),
    "erased.accounts_left": (
        "at the setup wizard, but an account is on the phone: not shown initialised",
        "初期設定ウィザード表示中ですが、アカウントが残っています：初期化を確認できません",
    ),
    "erased.in_use": (
        "setup completed: owner data may be on it",
        "初期設定完了：所有者のデータが残っている可能性",
    ),
    "erased.not_shown": (
        "whether it is initialised was not read[: {why}]",
        "初期化済みかどうか読み取れませんでした[：{why}]",
    ),
    "record.not_a_grade": (
        "'{text}' is not a grade: one of {scale}",
        "「{text}」はグレードではありません：{scale} のいずれか",
    ),
    "record.junk_needs_ng": (
        "grade {grade} is junk: name at least one NG item (--ng 画面割れ)",
        "グレード{grade}はジャンクです：NG項目を1つ以上指定してください（--ng 画面割れ）",
    ),
    "record.grade_options": (
        "--ng, --note and --photo go with record grade only",
        "--ng・--note・--photo は record grade でのみ使えます",
    ),
    "record.erasure_usage": (
        "'{text}': record erasure takes ITEM=VALUE: resets=2 checked-by=NAME felica=cleared|warned|none "
        "jpki=revoked|none",
        "「{text}」：record erasure は 項目=値 で指定します：resets=2 checked-by=氏名 "
        "felica=cleared|warned|none jpki=revoked|none",
    ),
    "record.erasure_resets": ("'{text}': resets is a count (0–9)", "「{text}」：resets は回数（0〜9）です"),
    "record.erasure_same_person": (
        "the second person's check cannot be {by}'s own (checked-by is someone else)",
        "第三者確認は記録者（{by}）本人以外が行います（checked-by に別の人を指定）",
    ),
    "record.grade_recorded": (
        "recorded for {phone}: grade {grade}[, NG {ng}][, photos {photos}] (by {by}, {when})",
        "{phone} に記録しました：グレード{grade}[、NG項目 {ng}][、写真 {photos}]（{by}、{when}）",
    ),
    "record.erasure_recorded": (
        "recorded the erasure checklist for {phone} (by {by}, {when})",
        "{phone} のデータ消去の確認を記録しました（{by}、{when}）",
    ),
    "cert.trade": ("As the trade writes it (RMJ guideline)", "中古端末の表示（RMJガイドライン）"),
    "cert.grade": ("Grade", "外観グレード"),
    "cert.warranty": ("Warranty", "保証期間"),
    "cert.erasure": ("Data erasure", "データ消去"),
    "cert.battery_trade": ("Battery (method)", "バッテリー（確認方法）"),
    "trade.not_graded": ("not graded", "未評価"),
    "trade.grade": ("{grade}[ (NG: {ng})]", "{grade}[（NG項目：{ng}）]"),
    "trade.erasure_done": (
        "Data erasure: reset {resets} times, checked by a second person",
        "データ消去：初期化{resets}回・第三者確認済み",
    ),
    "trade.erasure_missing": (
        "Data erasure: not confirmed (missing: {missing})",
        "データ消去：未確認（不足：{missing}）",
    ),
    "trade.erasure_checks": (
        "[resets: {resets}][; second person: {checked_by}][; FeliCa: {felica:felica}][; JPKI: {jpki:jpki}]",
        "[初期化：{resets}回][・第三者確認：{checked_by}][・FeliCa：{felica:felica}][・電子証明書：{jpki:jpki}]",
    ),
    "felica.cleared": ("cleared", "消去済み"),
    "felica.warned": ("owner warned", "所有者に案内済み"),
    "felica.none": ("none on the phone", "なし"),
    "jpki.revoked": ("revoked", "失効済み"),
    "jpki.none": ("none on the phone", "なし"),
    "trade.battery": ("{percent} % ({method})", "{percent} %（{method}）"),
    "trade.battery_unknown": ("not measured", "未測定"),
    "trade.battery_worn": ("battery worn: below {line} %", "バッテリー劣化（{line} %未満）"),
    "trade.battery_worn_short": ("battery worn", "バッテリー劣化"),
    "battery.method.ios_settings": ("iOS Settings' Maximum Capacity", "iOS 設定の最大容量"),
    "battery.method.ioregistry": ("calculated from the IORegistry", "IORegistry から算出"),
    "battery.method.android_health": ("Android's charge cycles and health", "Android の充電サイクル・健全性"),
    "battery.method.manual": ("entered by hand", "手入力"),
    "column.battery_method": ("Battery: method", "バッテリー確認方法（ガイドライン）"),
    "column.battery_disclosure": ("Battery: disclosure", "バッテリー表示"),
    "column.grade": ("Grade", "外観グレード"),
    "column.ng_items": ("NG items", "NG項目"),
    "column.erased": ("Initialised", "初期化済み"),
    "column.erasure_missing": ("Erasure: missing", "データ消去：不足項目"),
    "column.erasure_checked_by": ("Erasure checked by", "データ消去の第三者確認者"),
    "demo.graded": (
        "graded {grade} by the technician; the erasure checked by a second person: {checks}",
        "作業者が外観グレード{grade}を記録し、第三者がデータ消去を確認：{checks}",
    ),
    "web.form.grade": ("appearance grade", "外観グレード"),
    "web.form.choose_grade": ("— the grade —", "— グレードを選択 —"),
    "web.form.ng_items": ("NG items, one a line (J needs one)", "NG項目（1行に1つ。Jには1つ以上必要）"),
    "web.form.grade_note": ("note (why it is junk, the scratches seen)", "補足（ジャンクの理由、傷など）"),
    "web.form.photos": ("photos of the phone (PNG or JPEG)", "端末の写真（PNGまたはJPEG）"),
    "web.form.resets": (
        "factory resets done (at purchase and at inspection)",
        "初期化の回数（買取時と点検時）",
    ),
    "web.form.checked_by": ("second person who checked the erasure", "データ消去を確認した第三者"),
    "web.form.felica": ("FeliCa (おサイフケータイ)", "FeliCa（おサイフケータイ）"),
    "web.form.jpki": ("smartphone digital certificate (JPKI)", "スマホ用電子証明書"),
    # ------------------------------------------------------------------ (end of grade-19's block)
    # ------------------------------------------------------------------ tenken record (certs-16)
    "record.name_the_phone": (
        "name the phone with --imei or --serial",
        "--imei または --serial で端末を指定してください",
    ),
    "record.mark_usage": (
        "record mark needs --imei and CARRIER MARK, e.g. `tenken record mark docomo ○ --imei …`",
        "record mark には --imei と「キャリア 判定」が必要です（例：`tenken record mark ドコモ ○ --imei …`）",
    ),
    "record.one_value": ("record {fact} takes one value", "record {fact} に指定する値は1つです"),
    "record.unknown_phone": (
        "no inspection, carrier answer or recorded fact names {phone}: check what was typed, or add --new for "
        "a phone tenken has not seen yet",
        "{phone}の点検・キャリア回答・記録がありません。入力を確認するか、まだ点検していない端末なら --new を"
        "付けてください",
    ),
    "record.phone_serial": ("serial number {serial}", "シリアル番号 {serial} の端末"),
    "record.phone_imei": ("IMEI {imei}", "IMEI {imei} の端末"),
    "record.recorded": (
        "recorded for {phone}: {fact:fact} = {value} ({what}; by {by}, {when})",
        "{phone}に記録しました：{fact:fact} = {value}（{what}。{by}、{when}）",
    ),
    "record.mark": (
        "recorded {carrier}'s answer about IMEI {imei}: {outcome} (checked by hand by {by}; evidence "
        "sha256 {sha256})",
        "IMEI {imei} の{carrier}の判定を記録しました：{outcome}（{by}が手動で確認。証拠の sha256 {sha256}）",
    ),
    "record.not_a_carrier": (
        "'{text}' is not a carrier: one of {choices}",
        "「{text}」はキャリア名として読めません：{choices}のいずれかです",
    ),
    "record.carrier_choice": ("{carrier:carrier} ({code})", "{carrier:carrier}（{code}）"),
    "record.not_a_mark": (
        "'{text}' is not a mark: ○ (o, 0, maru, まる), △ (▲, sankaku), × (x, batsu, ばつ) or − (-, ー, none, なし)",
        "「{text}」は判定として読めません：○（o・0・まる）、△（▲・さんかく）、×（x・ばつ）、−（-・ー・なし）の"
        "いずれかです",
    ),
    "record.not_a_value": (
        "'{text}': expected one of {words}",
        "「{text}」：次のいずれかを入力してください：{words}",
    ),
    "record.not_a_percentage": (
        "'{text}': expected a percentage such as 87",
        "「{text}」：87 のような割合（%）を入力してください",
    ),
    "record.percentage_bounds": (
        "'{text}': a battery health is between 1 and 100 %",
        "「{text}」：バッテリーの最大容量は 1〜100 % です",
    ),
    "plan.disabled": ("not asked: this carrier is disabled in the configuration", "未問い合わせ：設定で無効"),
    "plan.blocked": (
        "not asked: no answer could change the verdict ({because})",
        "未問い合わせ：どの回答でも判定が変わらないため（{because}）",
    ),
    "plan.registered_elsewhere": (
        "not asked: the phone is registered at {seller}, and only the selling carrier registers an IMEI",
        "未問い合わせ：{seller}に登録があり、IMEIを登録するのは販売したキャリアだけのため",
    ),
    "plan.imei1_not_asked_here": (
        "not asked: IMEI1 was not asked here either",
        "未問い合わせ：IMEI1もここには問い合わせていないため",
    ),
    # ------------------------------------------------------------------ tenken inspect
    "inspect.not_looked_for": (
        "{platform}: could not look for phones ({problem})",
        "{platform}：端末を探せませんでした（{problem}）",
    ),
    "inspect.not_attached": ("not attached: {wanted}", "接続されていません：{wanted}"),
    "inspect.no_phone": (
        "No phone found. Check the cable (a charge-only cable carries no data), the hub's power, and that "
        "the phone is unlocked.",
        "端末が見つかりません。ケーブル（充電専用ケーブルはデータを通しません）、ハブの電源、端末のロックが解除されて"
        "いるかを確認してください。",
    ),
    # ------------------------------------------------------------------ what the technician should do
    "action.pairing_off": (
        "The phone does not trust this computer and pairing is off (ios.pair_timeout = 0). Set a pairing "
        "timeout, unlock the phone and tap “Trust” when it asks.",
        "iPhoneがこのコンピュータを信頼しておらず、ペアリングが無効です（ios.pair_timeout = 0）。"
        "待ち時間を設定し、iPhoneのロックを解除して「信頼」をタップしてください。",
    ),
    "action.tap_trust": (
        "Unlock the phone, tap “Trust” on “Trust This Computer?” and enter the passcode, then inspect "
        "again.[ (waited {seconds} s)]",
        "iPhoneのロックを解除し、「このコンピュータを信頼しますか？」で「信頼」をタップしてパスコードを入力してから、"
        "もう一度点検してください。[（{seconds}秒待機）]",
    ),
    "action.trust_denied": (
        "“Don't Trust” was tapped. Unplug and replug the phone so it asks again, then tap “Trust”.",
        "「信頼しない」が選ばれました。ケーブルを抜き差しすると再度表示されるので「信頼」をタップしてください。",
    ),
    "action.unlock_screen": (
        "The screen is locked. Unlock the phone (enter its passcode), then inspect again.[ ({parts:part} "
        "need the phone unlocked)]",
        "画面がロックされています。パスコードを入力してロックを解除し、もう一度点検してください。"
        "[（{parts:part}にはロック解除が必要です）]",
    ),
    "action.first_unlock": (
        "The phone restarted and has not been unlocked since. Enter the passcode once, then inspect again.",
        "再起動後、一度もロック解除されていません。パスコードを一度入力してから、もう一度点検してください。",
    ),
    "action.replug": (
        "The phone was unplugged during the read. Plug it back in (check the cable and the hub port) and "
        "inspect again. Facts read before that are shown.",
        "読み取り中にケーブルが抜けました。ケーブルとハブのポートを確認して差し直し、もう一度点検してください。"
        "それまでに読めた情報は表示しています。",
    ),
    "action.not_answering": (
        "The phone stopped answering.[ No answer within {seconds} s per request.] Unplug it, plug it back "
        "in and inspect again.",
        "端末が応答しなくなりました。[（1リクエスト{seconds}秒で応答なし）]ケーブルを抜き差しして、もう一度点検してください。",
    ),
    "action.station_files": (
        "tenken cannot use its pair records ({problem}). Make the data directory writable by the user "
        "running tenken (move an unreadable file aside), then inspect again.",
        "tenkenがペアリング記録を使えません（{problem}）。データフォルダをtenkenを動かすユーザーが書き込めるようにし"
        "（読めないファイルは移動）、もう一度点検してください。",
    ),
    "action.usbmuxd_stopped": (
        "usbmuxd at {address} stopped answering ({reason}); restart it.",
        "usbmuxd（{address}）が応答しなくなりました（{reason}）。usbmuxdを再起動してください。",
    ),
    "action.unexpected_answer": (
        "The phone answered something unexpected ({reason}). Inspect again.",
        "端末から想定外の応答がありました（{reason}）。もう一度点検してください。",
    ),
    "action.connection_broke": (
        "The connection to the phone broke ({reason}) though it is still attached. Inspect again; try "
        "another cable or port if it repeats.",
        "端末は接続されたままですが通信が切れました（{reason}）。もう一度点検し、繰り返す場合は別のケーブルかポートを"
        "試してください。",
    ),
    "action.session_refused": (
        "The phone paired but then refused the session. Unplug, replug and inspect again.",
        "ペアリング後にセッションを拒否されました。ケーブルを抜き差しして、もう一度点検してください。",
    ),
    "action.pairing_failed": (
        "Pairing failed ({error}). Unplug the phone, plug it back in, unlock it and inspect again.",
        "ペアリングに失敗しました（{error}）。ケーブルを抜き差しし、ロックを解除して、もう一度点検してください。",
    ),
    "action.allow_usb_debugging": (
        "Unlock the phone and tap Allow on “Allow USB debugging?” (tick “Always allow from this "
        "computer”). No prompt? Unplug and replug it, or revoke USB debugging authorisations in Developer "
        "options.",
        "端末のロックを解除し、「USBデバッグを許可しますか？」で「このパソコンからのUSBデバッグを常に許可する」に"
        "チェックして「許可」をタップしてください。表示されない場合はケーブルを抜き差しするか、開発者向けオプションで"
        "「USBデバッグ承認の取り消し」を行ってください。",
    ),
    "action.adb_offline": (
        "adb sees the phone but it does not answer: unplug and replug it (another cable or port); if it "
        "stays offline, switch USB debugging off and on, or restart the adb server.",
        "adbから端末は見えていますが応答しません。ケーブルを抜き差しし（別のケーブルやポートも試す）、"
        "それでもオフラインならUSBデバッグをオフ・オンするか、adbサーバーを再起動してください。",
    ),
    "action.still_connecting": (
        "The phone is still connecting: wait a few seconds and inspect again.",
        "接続処理中です。数秒待ってから、もう一度点検してください。",
    ),
    "action.usb_permissions": (
        "This computer may not open the phone's USB device: install udev/51-android.rules (see "
        "udev/README.md), then replug the phone.",
        "このコンピュータには端末のUSBデバイスを開く権限がありません。udev/51-android.rules を入れて"
        "（udev/README.md参照）、ケーブルを抜き差ししてください。",
    ),
    "action.not_android_mode": (
        "The phone is in “{mode}” mode, not running Android: reboot it normally and inspect again.",
        "端末は「{mode}」モードでAndroidが起動していません。通常起動してから、もう一度点検してください。",
    ),
    "action.adb_failed": (
        "adb failed ({error}); check the adb server (`adb -P {port} devices`) and inspect again.",
        "adbでエラーが起きました（{error}）。adbサーバーを確認し（`adb -P {port} devices`）、もう一度点検してください。",
    ),
    "action.getprop_failed": (
        "The phone did not answer `getprop` ({problem}): unlock it, check the cable, and inspect again.",
        "端末が `getprop` に応答しません（{problem}）。ロックを解除し、ケーブルを確認して、もう一度点検してください。",
    ),
    "action.internal_error": (
        "Unexpected error ({error}); inspect again, report it if it repeats.",
        "想定外のエラーです（{error}）。もう一度点検し、繰り返す場合は報告してください。",
    ),
    # ------------------------------------------------------------------ how to read a fact by hand
    "manual.imei": (
        "dial *#06# on the phone (or read the SIM tray label) and type the IMEI",
        "端末で *#06# を発信して（またはSIMトレイのラベルを読んで）IMEIを入力してください",
    ),
    "manual.accounts": (
        "check Settings › Accounts on the phone by hand",
        "端末の 設定 › アカウント を目で確認してください",
    ),
    "manual.setup": (
        "look at the phone: is it past the setup wizard?",
        "端末の画面で初期設定が終わっているか確認してください",
    ),
    "manual.mdm": (
        "check Settings › Security › Device admin apps, and Settings › Accounts for a work profile",
        "設定 › セキュリティ › デバイス管理アプリ と 設定 › アカウント（仕事用プロファイル）で確認してください",
    ),
    "manual.battery": ("read the battery in Settings › Battery", "設定 › バッテリー で確認してください"),
    "manual.storage": (
        "read the capacity in Settings › Storage",
        "設定 › ストレージ で容量を確認してください",
    ),
    # ------------------------------------------------------------------ facts: general
    "fact.not_read": ("not read", "未読取"),
    "fact.not_reported": ("the phone did not report it", "端末が報告しませんでした"),
    "imei.invalid_on_phone": (
        "not a valid IMEI: check it against *#06# or the tray",
        "正しいIMEIではありません。*#06# やSIMトレイの表示と照合してください",
    ),
    "sim.none": ("no SIM inserted", "SIMなし"),
    "sim.mcc_mnc": (
        "MCC-MNC {codes}: the network the SIM uses (an MVNO rides on it), not who sold the phone",
        "MCC-MNC {codes}：SIMが使うネットワーク（MVNOも同じ）であり、端末の販売元ではありません",
    ),
    "sim.overseas_sim_accepted": (
        "slot {slot}: an overseas SIM ({sim}) is accepted",
        "スロット{slot}：海外のSIM（{sim}）が使えています",
    ),
    "sim.foreign_sim_works": (
        "a SIM from abroad (MCC-MNC {codes}) works; a Japanese carrier lock would refuse it",
        "海外のSIM（{codes}）が使えています。日本のキャリアのSIMロックがあれば拒否されるはずです",
    ),
    "sim.two_carriers_work": (
        "SIMs of {carriers} work side by side; a carrier lock would refuse one",
        "{carriers}のSIMが同時に使えています。SIMロックがあればどちらかが拒否されるはずです",
    ),
    "sim.other_carrier_works": (
        "slot {slot}: a {carrier} SIM is accepted by a phone made for {seller}",
        "スロット{slot}：{seller}向けの端末で{carrier}のSIMが使えています",
    ),
    "sim.refused_slot": (
        "slot {slot}: the inserted SIM ({sim}) is refused ({state}): SIM-locked[ to {seller}]",
        "スロット{slot}：挿入したSIM（{sim}）が拒否されました（{state}）。SIMロックあり[（{seller}）]",
    ),
    # ------------------------------------------------------------------ facts: iPhone
    "ios.before_trust": (
        "not readable until the phone trusts this computer",
        "iPhoneがこのコンピュータを「信頼」するまで読めません",
    ),
    "ios.until_unlocked": (
        "not readable until the phone is unlocked with its passcode",
        "パスコードでロックを解除するまで読めません",
    ),
    "ios.cut_short": ("not answered: the read was cut short", "読み取りが途中で終わったため未取得"),
    "ios.apple_only": ("only Apple devices speak lockdown", "lockdownで応答するのはApple製品だけです"),
    "ios.odd_version": (
        "ProductVersion {value} is not a version number: reported as read",
        "ProductVersion「{value}」はバージョン番号の形式ではありません（読み取ったまま表示）",
    ),
    "ios.sold_by_lookup": (
        "{carrier}'s register holds the IMEI (○ △ ×): {carrier} sold it",
        "{carrier}の判定結果に登録あり（○△×）：{carrier}が販売した端末です",
    ),
    "ios.sold_for_unreadable": (
        "no lockdown key tells which carrier an iPhone was sold by; the carriers' registers tell",
        "iPhoneの販売キャリアを示すlockdownの値はありません。キャリアの判定結果で分かります",
    ),
    "ios.unexpected_answer": ("unexpected answer {answer}", "想定外の応答 {answer}"),
    "ios.product_type": ("ProductType {value}", "ProductType {value}"),
    "ios.product_type_unknown": (
        "{value} is in neither tenken's nor pymobiledevice3's table",
        "{value} はtenkenにもpymobiledevice3にも登録がありません",
    ),
    "ios.region_code": ("RegionInfo {code}", "RegionInfo {code}"),
    "ios.region_unknown": ("region code not in tenken's table", "tenkenの表にない地域コード"),
    "ios.colour_code": (
        "Apple's colour code; the colour name is not reported",
        "Appleのカラーコード（色名は報告されません）",
    ),
    "ios.find_my_on": (
        "Find My is on ({flags})[, Apple ID {account}]: the owner must turn it off and sign out of their "
        "Apple ID",
        "「iPhoneを探す」がオンです（{flags}）[、Apple ID {account}]。所有者がオフにしてApple IDからサインアウトする"
        "必要があります",
    ),
    "ios.find_my_setup_assistant": (
        "at the Setup Assistant ({where}[: {reason}]) only fm-activation-locked YES tells: false or NO there "
        "is read even on an activation-locked phone[ (Apple ID {account})]; go through setup to the "
        "activation screen to see whether it asks for an Apple ID",
        "初期設定画面（{where}[：{reason}]）で意味があるのは fm-activation-locked の YES だけです。"
        "アクティベーションロック中の端末でも「オフ」「NO」と読めます[（Apple ID {account}）]。"
        "アクティベーション画面まで進めてApple IDを求められるか確認してください",
    ),
    "ios.find_my_off_nvram": (
        "off: NVRAM fm-activation-locked NO on an activated, set-up phone[ (Apple ID {account} still shown)]",
        "オフ：アクティベート済み・初期設定済みの端末でNVRAMの fm-activation-locked が NO"
        "[（Apple ID {account} の表示あり）]",
    ),
    "ios.find_my_associated_only": (
        "IsAssociated false alone proves nothing (it reads false on some phones with Find My on) and NVRAM "
        "has no fm-activation-locked[ (Apple ID {account})]: look at Settings › [your name] › Find My",
        "IsAssociated が false というだけでは判断できません（「探す」がオンでも false と読める端末があります）。"
        "NVRAMに fm-activation-locked がありません[（Apple ID {account}）]。設定 › ［ユーザ名］› 探す を確認してください",
    ),
    "ios.find_my_no_flag": (
        "neither flag was readable[ ({reason})][ (Apple ID {account})]",
        "どちらの値も読めませんでした[（{reason}）][（Apple ID {account}）]",
    ),
    "ios.mdm_dep": (
        "enrolled by {organisation} through Apple's device enrolment (DEP/ADE)",
        "{organisation}によりAppleのデバイス登録（DEP/ADE）でMDMに登録されています",
    ),
    "ios.mdm_profiles_unread": (
        "no device-enrolment configuration; profile list: {reason}",
        "デバイス登録の設定はありません。構成プロファイル一覧：{reason}",
    ),
    "ios.mdm_none": (
        "no device-enrolment configuration and no configuration profile",
        "デバイス登録の設定も構成プロファイルもありません",
    ),
    "ios.mdm_profiles": (
        "{count} configuration profile(s) installed; whether one enrols the phone in an MDM shows in "
        "Settings → General → VPN & Device Management",
        "構成プロファイルが{count}件あります。MDM登録かどうかは 設定 › 一般 › VPNとデバイス管理 で確認してください",
    ),
    "ios.sim_no_carrier": (
        "no carrier named for the SIM ({status})",
        "SIMの事業者が分かりません（{status}）",
    ),
    "ios.sim_refused": (
        "the inserted SIM ({carrier}) is refused (OperatorLocked): the phone is locked to another carrier",
        "挿入したSIM（{carrier}）が拒否されました（OperatorLocked）。他キャリアのSIMロックがかかっています",
    ),
    "ios.model_era": ("{model} released {released}", "{model}（{released}発売）"),
    "ios.model_era_unknown": ("release date not catalogued", "発売日は未登録"),
    "ios.sim_lock_rule": ("{rule} (RegionInfo {region}; {era})", "{rule}（RegionInfo {region}、{era}）"),
    "ios.no_battery_entry": (
        "the phone's IORegistry has no battery entry (IOPMPowerSource)",
        "端末のIORegistryにバッテリーの項目（IOPMPowerSource）がありません",
    ),
    "ios.battery_health_formula": (
        "{key} {full} mAh / {design_key} {design} mAh: an approximation of Settings' Maximum Capacity, "
        "whose formula Apple does not publish",
        "{key} {full} mAh ÷ {design_key} {design} mAh。設定の「最大容量」の近似値です（Appleは計算式を公開していません）",
    ),
    "ios.answered": ("the phone answered {error}", "端末の応答：{error}"),
    "ios.answered_nothing": ("the phone answered nothing", "端末から応答がありませんでした"),
    "ios.screen_locked": ("the screen is locked", "画面がロックされています"),
    "ios.service_refused": ("{service} refused: {reason}", "{service} が拒否しました：{reason}"),
    "ios.mc_protected": (
        "a configuration profile on the phone forbids it (MCProtected); the organisation that manages "
        "the phone must lift the restriction",
        "端末の構成プロファイルで禁止されています（MCProtected）。端末を管理する組織に制限を解除してもらう必要があります",
    ),
    # ------------------------------------------------------------------ readers-16: iPad batteries, cellular
    "ios.battery_above_design": (
        "{key} {full} mAh / {design_key} {design} mAh = {ratio} %: above the design capacity (a new or "
        "uncalibrated battery); shown as 100 %, as Settings' Maximum Capacity never shows more",
        "{key} {full} mAh ÷ {design_key} {design} mAh = {ratio} %。設計容量を超えています（新品または"
        "未較正のバッテリー）。設定の「最大容量」は100 %を超えて表示されないため100 %としています",
    ),
    "fact.cellular": ("Cellular (IMEI, SIM)", "モバイル通信（IMEI・SIM）"),
    "ios.no_cellular": (
        "no cellular modem (TelephonyCapability false[, BasebandStatus {baseband}]): a Wi-Fi-only model "
        "has no IMEI and no SIM, and no carrier's register can hold it",
        "モバイル通信機能なし（TelephonyCapability false[、BasebandStatus {baseband}]）。Wi-Fiモデルには"
        "IMEIもSIMもなく、キャリアの登録（ネットワーク利用制限）の対象外です",
    ),
    "ios.no_cellular_identifier": (
        "none: no cellular (a Wi-Fi-only model has no IMEI)",
        "なし：モバイル通信機能なし（Wi-FiモデルにはIMEIがありません）",
    ),
    "ios.no_cellular_sim": (
        "no SIM: no cellular (Wi-Fi-only model)",
        "SIMなし：モバイル通信機能なし（Wi-Fiモデル）",
    ),
    "fact.sold_by_candidates": ("Could have been sold by", "販売元の候補"),
    "sellers.japan_iphone": (
        "a J/A model: sold SIM-free by Apple or by any Japanese carrier",
        "日本モデル（J/A）：AppleのSIMフリー版か、国内キャリアのいずれかが販売",
    ),
    "sellers.abroad": (
        "made for {region}: no Japanese carrier sold it",
        "{region}向けのモデル：国内キャリアの販売ではありません",
    ),
    "sellers.sim_free_model": (
        "a SIM-free model: sold by its maker, and possibly by any carrier",
        "SIMフリーモデル：メーカー販売のほか、どのキャリアも販売しうる",
    ),
    # ------------------------------------------------------------------ facts: Android
    "android.tool_missing": (
        "`{tool}` is missing on this firmware (exit 127); {manual}",
        "このファームウェアには `{tool}` がありません（exit 127）。{manual}",
    ),
    "android.no_answer": ("{problem}; {manual}", "{problem}。{manual}"),
    "android.exit_status": (
        "exit {status}[ ({output})]; {manual}",
        "終了コード {status}[（{output}）]。{manual}",
    ),
    "android.prop_not_set": ("property not set on this phone", "この端末ではプロパティが未設定です"),
    "android.serial_hidden": (
        "not readable on this build (Android 8+ hides it from the shell)",
        "このビルドでは読めません（Android 8以降はシェルから隠されています）",
    ),
    "android.sdk": ("SDK {sdk}", "SDK {sdk}"),
    "android.fingerprint": ("{fingerprint}", "{fingerprint}"),
    "android.bootloader": (
        "[verified boot {verified_boot}][; OEM unlocking {oem_unlock:oem_unlock}]",
        "[Verified Boot {verified_boot}][、OEMロック解除 {oem_unlock:oem_unlock}]",
    ),
    "oem_unlock.1": ("allowed in developer options", "開発者向けオプションで許可"),
    "oem_unlock.0": ("not allowed", "不許可"),
    "android.bootloader_untold": (
        "this build tells no bootloader state; check fastboot/download mode",
        "このビルドはブートローダーの状態を示しません。fastboot／ダウンロードモードで確認してください",
    ),
    "android.bootloader_disagree": (
        "the properties disagree ({readings}); check fastboot/download mode",
        "プロパティが食い違っています（{readings}）。fastboot／ダウンロードモードで確認してください",
    ),
    "android.accounts_no_list": (
        "no account list in the dump (permission denied?); {manual}",
        "アカウント一覧が出力にありません（権限不足？）。{manual}",
    ),
    "android.accounts_unread": (
        "the dump declares {declared} account(s) but only {read} could be read; {manual}",
        "アカウントが{declared}件あるはずですが{read}件しか読めませんでした。{manual}",
    ),
    "android.accounts_other": (
        "{count} other account(s) that arm no lock",
        "ロックに関係しない他のアカウント{count}件",
    ),
    "android.accounts_signed_in": (
        "signed in: {locks:lock}; the owner must remove it before sale[; {others}]",
        "サインイン中：{locks:lock}。販売前に所有者が削除する必要があります[。{others}]",
    ),
    "android.accounts_none": (
        "no account that arms an owner lock[; {others}]",
        "所有者ロック（FRP等）の対象アカウントなし[。{others}]",
    ),
    "android.mdm_managed": (
        "managed by an organisation: {owners}; the organisation must release the phone before sale",
        "組織の管理下にあります（{owners}）。販売前に管理元による解除が必要です",
    ),
    "android.mdm_device_owner": ("device owner {package}", "デバイスオーナー {package}"),
    "android.mdm_profile_owner": (
        "profile owner {package} (user {user}: a work profile)",
        "プロファイルオーナー {package}（ユーザー{user}：仕事用プロファイル）",
    ),
    "android.mdm_none": (
        "no device owner and no work profile[; {consumer}]",
        "デバイスオーナー・仕事用プロファイルなし[。{consumer}]",
    ),
    "android.mdm_secure_folder": (
        "Samsung Secure Folder (user {user}) is the owner's own space, not management",
        "Samsungのセキュリティフォルダ（ユーザー{user}）は所有者個人の領域で、MDM管理ではありません",
    ),
    "android.mdm_no_state": (
        "no device policy state in the dump; {manual}",
        "出力にデバイスポリシーの状態がありません。{manual}",
    ),
    "android.provisioned": ("device provisioned", "デバイスはプロビジョニング済み"),
    "android.not_provisioned": ("device not provisioned", "デバイスは未プロビジョニング"),
    "android.odd_answer": ("answered {answer}; {manual}", "応答「{answer}」。{manual}"),
    "android.battery_no_level": ("no level in the dump; {manual}", "残量が出力にありません。{manual}"),
    "android.battery_samsung": (
        "Samsung's capacity estimate; health {health:battery_health}",
        "Samsungの容量推定値。状態：{health:battery_health}",
    ),
    "android.battery_samsung_unsupported": (
        "Samsung's capacity estimate is not available on this model ({printed}); Android reports only a "
        "health category ({health:battery_health}); capacity needs the maker's diagnostics",
        "このモデルではSamsungの容量推定値がありません（{printed}）。ADBでは状態の分類"
        "（{health:battery_health}）しか分かりません。容量はメーカーの診断ツールで確認してください",
    ),
    "android.battery_samsung_odd": (
        "Samsung's capacity estimate printed '{printed}', not a percentage; health category "
        "{health:battery_health}; capacity needs the maker's diagnostics",
        "Samsungの容量推定値が「{printed}」で、割合として読めません。状態：{health:battery_health}。"
        "容量はメーカーの診断ツールで確認してください",
    ),
    "android.battery_category_only": (
        "Android reports only a health category over ADB ({health:battery_health}); capacity needs the "
        "maker's diagnostics",
        "ADBでは状態の分類（{health:battery_health}）しか分かりません。容量はメーカーの診断ツールで確認してください",
    ),
    "android.battery_temperature": ("temperature {celsius} °C", "温度 {celsius} °C"),
    "android.storage_data": (
        "size of /data, a little less than the advertised capacity[; {used_gb} GB used]",
        "/data の容量（公称容量より少し小さい値）[。使用中 {used_gb} GB]",
    ),
    "android.storage_no_data": (
        "no /data line in the output; {manual}",
        "出力に /data の行がありません。{manual}",
    ),
    "android.no_marketing_name": ("no marketing name: the model number", "製品名がないため型番を表示"),
    "android.model_table": (
        "{model} = {maker} {name}[, launched {released}][ ({unverified})][; but {disagreement}]",
        "{model} = {maker} {name}[（{released}発売）][（{unverified}）][。ただし{disagreement}]",
    ),
    "catalog.unverified": ("table row not verified", "表の内容は未確認"),
    "android.csc_disagrees": ("{prop} = {code} says {seller}", "{prop} = {code} は{seller}を示しています"),
    "android.japanese_model": ("{model} is a Japanese model", "{model} は日本向けモデルです"),
    "android.csc_build": ("{code} = {seller} build", "{code} = {seller}向けビルド"),
    "android.csc": ("Samsung CSC {code}", "Samsung CSC {code}"),
    "android.pixel_japan_sku": (
        "Japan SKU {sku} ({model}): sold by [{store} (SIM-free) or ]{carriers}; the SKU does not say which",
        "日本向けSKU {sku}（{model}）：[{store}（SIMフリー）、]{carriers}のどれで販売されたかはSKUでは分かりません",
    ),
    "android.pixel_sku": ("{sku} is the Japan SKU of {model}", "{sku} は {model} の日本向けSKUです"),
    "android.model_scheme": (
        "{model} fits the {rule}; not in the table",
        "{model} は{rule}に当てはまります（表には未登録）",
    ),
    "android.model_unknown": (
        "{model} is not in the Japanese model table and fits no Japanese numbering[; {csc}] (an overseas or "
        "SIM-free global model?)",
        "{model} は日本の型番表になく、日本の型番体系にも当てはまりません[。{csc}]（海外版かSIMフリーのグローバル版？）",
    ),
    "android.csc_unknown": (
        "Samsung CSC {code} is not in tenken's table, so it names no seller",
        "Samsung CSC {code} はtenkenの表にないため、販売元は分かりません",
    ),
    "android.sim_state_unset": (
        "SIM state not reported (no radio, or the phone has not finished booting)",
        "SIM状態が報告されていません（無線なし、または起動途中）",
    ),
    "android.sim_not_ready": (
        "slot {slots}: the phone cannot tell yet whether a SIM is in (airplane mode, or still starting up)",
        "スロット {slots}：SIMの有無がまだ分かりません（機内モード、または起動途中）",
    ),
    "android.sim_slot": ("slot {slot} {state}", "スロット{slot} {state}"),
    "android.sim_slots": ("{count} slots in use", "{count}スロット使用中"),
    # ------------------------------------------------------------------ IMEI over iphonesubinfo
    "imei.service_code": (
        "API {sdk} code {code}[ (the first code {first})]",
        "API {sdk} コード {code}[（最初のコード：{first}）]",
    ),
    "imei.codes_shifted": (
        "service codes shifted on this firmware: expected code {expected} {first}; found at code {found}",
        "このファームウェアではサービスコードがずれています：想定コード {expected} は {first}、コード {found} で取得",
    ),
    "imei.answered_null": (
        "iphonesubinfo answered null: no IMEI to give (modem not ready, no radio, or a Wi-Fi-only model); "
        "{manual}",
        "iphonesubinfo がnullを返しました（モデム未準備、無線なし、Wi-Fi専用モデル）。{manual}",
    ),
    "imei.refused": (
        "iphonesubinfo refused the shell: {error}; {manual}",
        "iphonesubinfo がシェルを拒否：{error}。{manual}",
    ),
    "imei.no_valid_answer": (
        "no valid IMEI in the answers ({answers}); {manual}",
        "応答に正しいIMEIがありません（{answers}）。{manual}",
    ),
    "imei.vendor_property": (
        "iphonesubinfo gave no IMEI; vendor property",
        "iphonesubinfo でIMEIが取れないためベンダープロパティから取得",
    ),
    "imei.dumpsys_old_android": ("Android 4.4 or older", "Android 4.4以前"),
    "imei.dumpsys_no_device_id": (
        "no valid Device ID in the dump; {manual}",
        "出力に正しいDevice IDがありません。{manual}",
    ),
    "imei.old_android_one": (
        "Android 4.4 shows one IMEI; {manual}",
        "Android 4.4ではIMEIは1つしか表示されません。{manual}",
    ),
    "imei.one_slot": (
        "the phone reports one SIM slot: no second IMEI asked",
        "SIMスロットが1つのため、2つ目のIMEIは問い合わせていません",
    ),
    # ------------------------------------------------------------------ SIM-lock inference
    "simlock.not_japanese_model": (
        "not a Japanese model: the Japanese carriers' policy dates do not apply",
        "日本向けモデルではないため、日本のキャリアのSIMロック方針の日付は当てはまりません",
    ),
    "simlock.sold_sim_free": ("sold SIM-free (not by a carrier)", "SIMフリーで販売（キャリア販売ではない）"),
    "simlock.iphone_unlocked": (
        "J/A iPhone released {released}: from the iPhone 13 ({policy}) every carrier sold iPhones unlocked",
        "{released}発売の日本版iPhone：iPhone 13（{policy}）以降はどのキャリアもSIMロックなしで販売しました",
    ),
    "simlock.after_every_carrier": (
        "model released {released}, after every carrier stopped selling locked phones ({policy})",
        "{released}発売のモデルで、全キャリアがSIMロック付き販売をやめた後（{policy}）です",
    ),
    "simlock.seller_unknown": (
        "who sold the phone is not known and the model predates the end of SIM locks: possibly locked if a "
        "carrier sold it[; {unlock}]",
        "販売元が不明で、SIMロック廃止前のモデルです。キャリアが販売した端末ならSIMロックの可能性があります[。{unlock}]",
    ),
    "simlock.never_locked": (
        "{carrier} never sold SIM-locked phones",
        "{carrier}はSIMロック付きで販売していません",
    ),
    "simlock.release_unknown": (
        "sold for {carrier}, but the model's release date is not known",
        "{carrier}向けですが、発売日が不明です",
    ),
    "simlock.after_carrier": (
        "{carrier} model released {released}, on or after {carrier} stopped selling locked phones ({policy})",
        "{carrier}がSIMロック付き販売をやめた日（{policy}）以降の{released}発売モデルです",
    ),
    "simlock.possibly_locked": (
        "possibly SIM-locked: {carrier} model released {released}, before {carrier} stopped selling locked "
        "phones ({policy})[; {at_sale}]; unlocked if its owner asked[; {unlock}]",
        "SIMロックの可能性あり：{carrier}がSIMロック付き販売をやめた日（{policy}）より前の{released}発売モデルです"
        "[。{at_sale}]。所有者が解除手続きをしていれば解除済みです[。{unlock}]",
    ),
    "simlock.docomo_lump_sum": (
        "from 2020-08 docomo unlocked lump-sum and credit-card purchases at sale",
        "ドコモは2020年8月から一括・クレジットカード払いの購入をSIMロックなしで販売しました",
    ),
    "simlock.softbank_every_sale": (
        "SoftBank / Y!mobile handed every phone over unlocked from {since}, whatever the model",
        "ソフトバンク・ワイモバイルは{since}以降、機種を問わずSIMロックなしで引き渡しています",
    ),
    "simlock.unlock_on_request": (
        "a model from {since} on: the carrier unlocks it free on request, for a second-hand owner too",
        "{since}以降のモデルのため、中古で入手した人でもキャリアで無料でSIMロック解除できます",
    ),
    "simlock.before_unlock_rule": (
        "released before {since}: the carrier need not unlock it",
        "{since}より前の発売のため、キャリアにSIMロック解除の義務はありません",
    ),
    "simlock.era_spans_policy": (
        "the model-number era {era} spans {carrier}'s end of SIM locks ({policy}); a SIM of another "
        "carrier tells for sure",
        "型番から分かる発売時期（{era}）が{carrier}のSIMロック廃止日（{policy}）をまたいでいます。他社SIMを挿せば"
        "確実に分かります",
    ),
    "simlock.with_era": (
        "{rule} (launch date from the model-number era: {era})",
        "{rule}（発売時期は型番から推定：{era}）",
    ),
    # ------------------------------------------------------------------ carrier sites
    "site.no_attempt": ("not asked", "問い合わせていません"),
    "site.timeout": ("no answer within {seconds} s", "{seconds}秒以内に応答なし"),
    "site.cannot_connect": ("cannot connect ({error})", "接続できません（{error}）"),
    "site.http_status": ("HTTP {status}", "HTTP {status}"),
    "site.gave_up": ("{problem} (tried {attempts}×)", "{problem}（{attempts}回試行）"),
    "site.captcha": (
        "the site asks for a CAPTCHA; check by hand in a browser",
        "画像認証（CAPTCHA）を求められました。ブラウザで手動確認してください",
    ),
    "site.captcha_form": (
        "the form asks for an image code (CAPTCHA)",
        "入力フォームに画像認証（CAPTCHA）があります",
    ),
    "site.maintenance": ("maintenance page: {page}", "メンテナンス中のページ：{page}"),
    "site.javascript": (
        "the page needs JavaScript; check by hand in a browser",
        "JavaScriptが必要なページです。ブラウザで手動確認してください",
    ),
    "site.no_answer_browser": (
        "no {what} in the answer (the site may need a browser): {page}",
        "応答に{what}がありません（ブラウザが必要かもしれません）：{page}",
    ),
    "site.page_changed": (
        "no {what} found; the page may have changed: {page}",
        "{what}が見つかりません。ページが変わった可能性があります：{page}",
    ),
    "site.check_by_hand": ("[{reason} — ]check by hand: {url}", "[{reason}。]手動で確認してください：{url}"),
    "site.form_again": (
        "the site answered with its form again: the check needs a browser (JavaScript submit)",
        "入力フォームが再表示されました。ブラウザでの確認が必要です（JavaScriptによる送信）",
    ),
    "site.rows": (
        "expected one 「{heading}」 row, found {found}: {page}",
        "「{heading}」の行が1つのはずが{found}件ありました：{page}",
    ),
    "site.odd_mark": ("unrecognised mark: {text}", "判定記号を読み取れません：{text}"),
    "site.legend": ("the site says: 「{text}」", "サイトの表示：「{text}」"),
    "site.many_marks": ("{count} result marks on one page: {marks}", "1ページに判定記号が{count}個：{marks}"),
    "site.other_imei": (
        "the result page names {named}, not the IMEI asked ({asked}): not an answer about this phone",
        "結果ページの製造番号が {named} で、問い合わせた {asked} ではありません（この端末の結果ではありません）",
    ),
    "site.imei_not_named": (
        "the result does not name the IMEI asked ({asked}): not an answer about this phone",
        "結果に問い合わせた製造番号（{asked}）が表示されていません（この端末の結果とは言えません）",
    ),
    "site.refused": (
        "the site refused a program (HTTP {status}); a person with a browser may pass",
        "サイトがプログラムからの問い合わせを拒否しました（HTTP {status}）。ブラウザからなら確認できる場合があります",
    ),
    "site.not_success": (
        "HTTP {status} is not the site's answer (only a success page is read)",
        "HTTP {status} はサイトの回答ではありません（成功応答のページだけを読み取ります）",
    ),
    "site.too_large": (
        "the page is larger than {limit} bytes: not a result page (its first part is kept)",
        "ページが{limit}バイトを超えています。結果ページではありません（先頭部分のみ保存）",
    ),
    "site.off_origin": (
        "the site sent the request to {target}, outside {origin}: whatever answers there is not the carrier",
        "問い合わせが {origin} の外（{target}）へ転送されました。そこでの応答はキャリアの回答ではありません",
    ),
    "rakuten.experimental": ("experimental JSON endpoint", "試験的なJSONエンドポイント"),
    "rakuten.odd_reply": (
        "the experimental JSON endpoint gave HTTP {status} {body}; check in a browser",
        "試験的なJSONエンドポイントの応答が HTTP {status} {body} でした。ブラウザで確認してください",
    ),
    "rakuten.odd_keys": (
        "the experimental JSON endpoint answered with keys tenken does not know ({keys}); check in a browser",
        "試験的なJSONエンドポイントの応答に想定外の項目（{keys}）があります。ブラウザで確認してください",
    ),
    "rakuten.odd_status": (
        "unexpected status {status} from the experimental JSON endpoint; check in a browser",
        "試験的なJSONエンドポイントから想定外のstatus {status}。ブラウザで確認してください",
    ),
    "lookup.stored_text": ("{text}", "{text}"),
    "lookup.recorded": ("checked by hand by {by}: {what}", "{by}が手動で確認：{what}"),
    "lookup.distrusted": (
        "the stored {carrier:carrier} answer for {imei} was not used: {problem}; the carrier was asked again",
        "{imei}の{carrier:carrier}の保存済み回答は使いませんでした：{problem}。キャリアに再度問い合わせました",
    ),
    "lookup.distrusted_altered": (
        "ALTERED: the stored {carrier:carrier} answer for {imei} is not what was kept ({problem}); the carrier "
        "was asked again — see `tenken evidence {imei}`",
        "改変あり：{imei}の{carrier:carrier}の保存済み回答が記録時と一致しません（{problem}）。キャリアに再度"
        "問い合わせました。`tenken evidence {imei}` を確認してください",
    ),
    # ------------------------------------------------------------------ what an IMEI's answers add up to
    "imei.restricted_at": (
        "× restricted at {carriers} (赤ロム): that network will not serve it; other carriers only if "
        "SIM-unlocked[; also unread: {unread}]",
        "{carriers}で×（赤ロム）：そのキャリアの回線では使えません。他社回線はSIMロック解除済みの場合のみ"
        "[。未確認：{unread}]",
    ),
    "imei.pending_at": (
        "△ at {carriers}: instalments still running, may turn ×; re-check before listing[; also unread: "
        "{unread}]",
        "{carriers}で△：分割支払中で×になる可能性があります。出品前に再確認してください[。未確認：{unread}]",
    ),
    "imei.not_established": ("not established: {reasons}", "未確定：{reasons}"),
    "imei.unread_at": ("{carrier} {outcome:unread}", "{carrier}：{outcome:unread}"),
    "unread.unavailable": ("unavailable", "応答なし"),
    "unread.captcha_required": ("wants a CAPTCHA", "画像認証が必要"),
    "unread.needs_browser": ("needs a browser", "ブラウザが必要"),
    "unread.parse_error": ("page not understood", "ページを解析できず"),
    "unread.invalid_imei": ("refused the IMEI", "IMEIを受け付けず"),
    "imei.clean_at": (
        "registered at {carriers}: ○ no restriction[ ({unread} not read: only the selling carrier registers an IMEI)]",
        "{carriers}で○（制限なし）[（{unread}は未確認：IMEIを登録するのは販売したキャリアのみ）]",
    ),
    "imei.not_registered": (
        "− everywhere asked[ ({carriers})]: not registered, or not yet reflected. Not clean by itself: fine "
        "for a SIM-free model, a question for a carrier's model (wrong IMEI, swapped board); the look-up does "
        "not know the model",
        "問い合わせた全キャリア[（{carriers}）]で−：登録なし、または反映待ち。これだけでは問題なしと言えません："
        "SIMフリー機種なら問題なし、キャリア機種ならIMEIの誤りや基板交換の疑いがあります（機種はルックアップでは"
        "分かりません）",
    ),
    "imei.invalid": ("{problem}", "{problem}"),
    # ------------------------------------------------------------------ a batch of look-ups
    "batch.count": ("{count} {status}", "{status} {count}件"),
    "batch.counts": ("{total} IMEIs: {counts}", "{total}件：{counts}"),
    "batch.clean_not_listed": (
        "{count} clean IMEIs are not listed (a batch of more than {limit} lists only those that need a look); "
        "--json has every one",
        "問題なしの{count}件は表示していません（{limit}件を超える一括照会では要確認のものだけを表示）。"
        "--json ではすべて出力されます",
    ),
    "batch.interrupted": (
        "stopped before the end: {done} of {total} IMEIs looked up and shown",
        "途中で停止：{total}件中{done}件を照会・表示しました",
    ),
    "batch.more_problems": (
        "… and {count} more answers that could not be read (--json has them all)",
        "…ほか{count}件の回答を確認できませんでした（--json ですべて出力されます）",
    ),
    # ------------------------------------------------------------------ stored evidence
    "evidence.altered": (
        "{count} stored answer(s) are not what was kept when they arrived: the database was altered or "
        "damaged, and these answers prove nothing",
        "{count}件の保存済み回答が受信時の内容と一致しません。データベースが改変または破損しており、"
        "これらの回答は証拠になりません",
    ),
    # ------------------------------------------------------------------ does a stored answer check out
    "integrity.page_changed": (
        "the page is not the one whose sha256 ({sha256}…) was recorded when it arrived",
        "保存ページが受信時に記録したsha256（{sha256}…）と一致しません",
    ),
    "integrity.signature_broken": (
        "the row was changed after the station signed it",
        "記録後に行が書き換えられています（ステーションの署名と不一致）",
    ),
    "integrity.page_says_otherwise": (
        "the kept page reads {page}, the row says {row}",
        "保存ページの判定は {page} ですが、記録は {row} です",
    ),
    "integrity.url_elsewhere": (
        "the page came from {url}, not from {origin}",
        "ページの取得元が {origin} ではなく {url} です",
    ),
    "integrity.unsigned": (
        "not signed (kept before tenken signed its answers): listed, never used for a verdict",
        "署名なし（署名導入前の記録）。一覧には出しますが判定には使いません",
    ),
    "integrity.foreign_key": (
        "signed by another station whose key is not held here (docs/station.md: a fleet's keys)",
        "このステーションが鍵を持たない別のステーションの署名です（docs/station.md：フリートの鍵）",
    ),
    # ------------------------------------------------------------------ tenken serve: the page (web/)
    "help.serve": (
        "The station in a browser: the live board, what needs the technician, search, re-checks.",
        "ブラウザで使う点検ステーション：ライブ表示、技術者の対応待ち、検索、再確認。",
    ),
    "help.user": (
        "Users who may log in to `tenken serve` from another machine (argon2id hashes in the store).",
        "他のマシンから `tenken serve` にログインできるユーザー（パスワードはハッシュだけを保存）。",
    ),
    "serve.serving": ("serving on {url}", "serving on {url}"),  # the first line: scripts read it
    "serve.needs_users": (
        "--host {host} serves beyond this machine: add a user first (tenken user add NAME), or serve on "
        "127.0.0.1",
        "--host {host} ではこのマシンの外から見えます。先にユーザーを追加するか（tenken user add NAME）、"
        "127.0.0.1 で起動してください",
    ),
    "user.added": ("user {user} added", "ユーザー {user} を追加しました"),
    "user.removed": ("user {user} removed", "ユーザー {user} を削除しました"),
    "user.exists": ("user {user} already exists", "ユーザー {user} は既に存在します"),
    "user.unknown": ("no user {user}", "ユーザー {user} はいません"),
    "user.none": (
        "no users: `tenken serve` serves 127.0.0.1 only",
        "ユーザーなし：`tenken serve` は 127.0.0.1 のみで動きます",
    ),
    "user.passwords_differ": ("the passwords differ", "パスワードが一致しません"),
    "user.password_short": (
        "a password has at least {count} characters",
        "パスワードは{count}文字以上にしてください",
    ),
    "user.password": ("password", "パスワード"),
    "user.password_again": ("password again", "パスワード（確認）"),
    "user.bad_name": (
        "'{user}' is not a user name: letters, digits, . _ - (at most 64)",
        "「{user}」はユーザー名にできません：英数字と . _ -（64文字まで）",
    ),
    "web.title": ("station", "点検ステーション"),
    "web.skip": ("skip to the content", "本文へ移動"),
    "web.nav": ("pages", "ページ"),
    "web.board": ("board", "ステーション"),
    "web.queue": ("needs the technician", "技術者の対応待ち"),
    "web.queue_empty": ("nothing waits for the technician", "対応待ちはありません"),
    "web.tasks_waiting": ("{count} item(s) need the technician", "対応待ち {count} 件"),
    "web.rechecks": ("re-checks", "再確認"),
    "web.search": ("search", "検索"),
    "web.search_label": ("IMEI, serial or stock number", "IMEI・シリアル番号・在庫番号"),
    "web.search_hint": (
        "Type an IMEI, a serial number or a stock number.",
        "IMEI、シリアル番号、在庫番号を入力してください。",
    ),
    "web.found": ("{count} phone(s) for {text}", "「{text}」で {count} 台"),
    "web.other_language": ("日本語", "English（英語）"),
    "web.logout": ("log out ({user})", "ログアウト（{user}）"),
    "web.login": ("log in", "ログイン"),
    "web.login_failed": ("wrong user or password", "ユーザー名またはパスワードが違います"),
    "web.user": ("user", "ユーザー名"),
    "web.password": ("password", "パスワード"),
    "web.connection_lost": (
        "the station does not answer: the board may be out of date",
        "ステーションが応答しません。表示が古い可能性があります",
    ),
    "web.station": ("station", "ステーション"),
    "web.inspection": ("inspection", "点検"),
    "web.facts": ("facts and how they are known", "事実とその取得方法"),
    "web.history": ("earlier inspections", "過去の点検"),
    "web.rechecked": (
        "asked the carriers again for {count} phone(s)",
        "{count} 台についてキャリアに再確認しました",
    ),
    "web.no_store": (
        "no database: nothing is kept to re-check",
        "データベースがないため再確認する記録がありません",
    ),
    "web.nothing_due": ("nothing is due for a re-check", "再確認が必要なものはありません"),
    "web.recheck_now": ("re-check these now", "今すぐ再確認"),
    "web.recorded": ("recorded; the phone was judged again", "記録しました。端末を再判定しました"),
    "web.refused_title": ("not recorded", "記録できませんでした"),
    "web.back_to_queue": ("back to the queue", "対応待ちに戻る"),
    "web.refused": ("{why}", "{why}"),
    "web.not_a_fact": (
        "not a fact tenken records: one of {facts}",
        "記録できる事実ではありません：{facts} のいずれか",
    ),
    "web.not_an_image": (
        "a screenshot is a PNG or JPEG of at most {limit} MB",
        "スクリーンショットは {limit} MB以下のPNGまたはJPEGにしてください",
    ),
    "web.error.forbidden": (
        "refused: the form is out of date or came from elsewhere; open the page again",
        "拒否しました：フォームが古いか他所から送信されました。ページを開き直してください",
    ),
    "web.error.not_found": ("not found", "見つかりません"),
    "policy.filled": (
        "{channel}: not in this file (newer than it), as shipped or HOLD: {conditions}",
        "{channel}：このファイルにない条件（ファイルより新しい条件）は出荷時の判定、なければ保留：{conditions}",
    ),
    "web.copy": ("copy", "コピー"),
    "web.copied": ("copied", "コピーしました"),
    "web.fleet": ("fleet", "全ステーション"),
    "web.fleet_since": (
        "today since {since}; levels on {channel}",
        "本日 {since} から；判定は「{channel}」",
    ),
    "web.fleet_stations": ("stations", "ステーション"),
    "web.fleet_phones": ("phones", "台数"),
    "web.fleet_last": ("last inspection", "最終点検"),
    "web.fleet_unvouched": (
        "({count} kept by a station whose key is not held here)",
        "（うち {count} 台は鍵のない他ステーションの記録）",
    ),
    "web.fleet_none": ("no inspection today", "本日の点検はありません"),
    "web.fleet_queues": ("carriers' sites booked ahead", "キャリアサイトの予約待ち"),
    "web.fleet_ahead": ("{seconds} s ahead", "{seconds} 秒先まで"),
    "web.fleet_no_queue": ("no site is booked ahead", "予約待ちのサイトはありません"),
    "web.certificate": ("certificate", "点検証明書"),
    "web.label_pdf": ("the phone's label (PDF)", "値札・管理ラベル（PDF）"),
    "web.certificate_view": ("issue and show (to print)", "発行して表示（印刷用）"),
    "web.certificate_pdf": ("issue as PDF", "PDFで発行"),
    "web.certificate_hint": (
        "Each certificate issued is kept in the database with its record hash (tenken verify checks it).",
        "発行した証明書は記録ハッシュとともにデータベースに保存されます（tenken verify で検証できます）。",
    ),
    "web.error.other": ("the request could not be served", "リクエストを処理できませんでした"),
    "web.form.sim_lock": ("the SIM-lock line in Settings", "設定の「SIMロック」の表示"),
    "web.form.sim_unlocked": ("no SIM lock (SIMロックなし)", "SIMロックなし"),
    "web.form.sim_locked": ("SIM-locked (SIMロックあり)", "SIMロックあり"),
    "web.form.battery": ("battery maximum capacity", "バッテリーの最大容量"),
    "web.form.owner_lock": ("owner lock seen in setup", "初期設定で見た所有者ロック"),
    "web.form.owner_lock_off": ("off: setup asked for no account", "なし：アカウントを求められなかった"),
    "web.form.owner_lock_on": (
        "on: setup asked for the owner's account",
        "あり：所有者のアカウントを求められた",
    ),
    "web.form.mdm": ("managed by an organisation (MDM)", "組織による管理（MDM）"),
    "web.form.mdm_no": ("not managed", "管理なし"),
    "web.form.mdm_yes": ("managed", "管理あり"),
    "web.form.imei": ("IMEI from *#06# or the tray", "*#06# またはトレイのIMEI"),
    "web.form.imei_check_digit": (
        "the check digit (last digit) does not match: a digit is mistyped",
        "チェックデジット（最後の桁）が合いません。打ち間違いがあります",
    ),
    "web.form.carrier": ("carrier", "キャリア"),
    "web.form.mark": ("mark shown", "表示された判定"),
    "web.form.screenshot": ("screenshot (PNG or JPEG)", "スクリーンショット（PNGまたはJPEG）"),
    "web.form.paste": (
        "paste a screenshot here (Ctrl-V), drop it, or press Enter to choose one",
        "ここにスクリーンショットを貼り付け（Ctrl-V）、ドロップ、またはEnterで選択",
    ),
    "web.form.record": ("record", "記録する"),
    # ------------------------------------------------------------------ hand-offs (handoff-18)
    "via.http": ("automatic look-up", "自動照会"),
    "via.browser": ("browser check[ ({by})]", "ブラウザ照会[（{by}）]"),
    "via.hand": ("entered by hand[ ({by})]", "手入力[（{by}）]"),
    "run.handoff_unread": (
        "nothing read at {carrier} in the browser: {why}",
        "{carrier} のブラウザ照会で判定を読み取れませんでした：{why}",
    ),
    "web.handoff": ("check in the browser on this station", "このステーションのブラウザで照会"),
    "web.handoff_hint": (
        "Opens {carrier}'s page in a Chromium window on the station's screen with the IMEI typed; read the "
        "CAPTCHA there if it shows one and press its button. The answer is kept with the page and a "
        "screenshot.",
        "ステーションの画面に{carrier}のページをChromiumで開き、IMEIを入力します。画像認証が出たら読み取って"
        "ボタンを押してください。判定はページとスクリーンショット付きで保存されます。",
    ),
    "handoff.no_selenium": (
        "tenken handoff needs the browser extra: pip install 'tenken[browser]'",
        "tenken handoff にはブラウザ用の追加パッケージが必要です：pip install 'tenken[browser]'",
    ),
    "handoff.no_chromium": (
        "tenken handoff needs Chromium and its driver: apt-get install chromium chromium-driver "
        "(or set TENKEN_CHROMIUM and TENKEN_CHROMEDRIVER)",
        "tenken handoff には Chromium とそのドライバーが必要です：apt-get install chromium chromium-driver"
        "（または TENKEN_CHROMIUM と TENKEN_CHROMEDRIVER を設定）",
    ),
    "handoff.browser_failed": ("the browser failed: {error}", "ブラウザでエラーが発生しました：{error}"),
    "handoff.opening": (
        "{carrier:carrier}: opening {url} for IMEI {imei}",
        "{carrier:carrier}：IMEI {imei} の確認ページ {url} を開きます",
    ),
    "handoff.waiting": (
        "{carrier:carrier}: the page shows a CAPTCHA — type the characters in the window and click the "
        "button (IMEI {imei} is filled in); waiting up to {seconds} s",
        "{carrier:carrier}：画像認証があります。ウィンドウで文字を入力してボタンを押してください"
        "（IMEI {imei} は入力済み）。最大 {seconds} 秒待ちます",
    ),
    "handoff.timed_out": (
        "no answer within {seconds} s (the page was at {url}): nothing was recorded",
        "{seconds} 秒以内に回答がありませんでした（ページ：{url}）。何も記録していません",
    ),
    "handoff.not_retried": (
        "not tried: {carrier:carrier} refused the IMEI before (tenken does not retry past a refusal; "
        "check by hand and record the mark)",
        "未確認：{carrier:carrier} は直前のIMEIを拒否しました（tenkenは拒否のあと再試行しません。"
        "手動で確認して判定を記録してください）",
    ),
    "handoff.kept": (
        "{carrier:carrier} {imei}: {outcome}[ — {detail}]; read in the browser[ by {by}] at {when}, "
        "page {url} sha256 {sha256}[, screenshot sha256 {screenshot}]",
        "{carrier:carrier} {imei}：{outcome}[ — {detail}]。[{by}が]{when}にブラウザで確認。"
        "ページ {url} sha256 {sha256}[、スクリーンショット sha256 {screenshot}]",
    ),
    "handoff.nothing_kept": (
        "{carrier:carrier} {imei}: no answer — {why}",
        "{carrier:carrier} {imei}：回答なし — {why}",
    ),
    "handoff.nothing_to_do": (
        "every carrier has a readable answer about {imeis}: nothing to check (name a carrier with --carrier "
        "to check again)",
        "{imeis} はすべてのキャリアで判定済みです。確認するものはありません（再確認するには --carrier で"
        "キャリアを指定してください）",
    ),
    "handoff.name_the_carrier": (
        "tenken has no answer about these IMEIs yet: name the carriers to check with --carrier",
        "これらのIMEIについての回答はまだありません。--carrier で確認するキャリアを指定してください",
    ),
    "help.handoff": (
        "Check IMEIs on a carrier's own page in a browser, with the person at the station (CAPTCHA, bot checks).",
        "担当者と一緒にキャリアのページをブラウザで確認します（画像認証、ボット対策のあるサイト）。",
    ),
    "column.via": ("{carrier} (how)", "{carrier}（照会方法）"),
    # ------------------------------------------------------------------ the station run (run-17)
    "run.store": ("the database: {problem}", "データベース：{problem}"),
    "run.no_identity": (
        "inspection {inspection} read neither an IMEI nor a serial number: nothing to record it under; "
        "record its IMEI from *#06# with `tenken record imei … --new` (or unlock the phone and read it again)",
        "点検 {inspection} ではIMEIもシリアル番号も読み取れていないため、記録先がありません。*#06# で"
        "IMEIを確認して `tenken record imei … --new` で記録するか、端末のロックを解除して読み取り直してください",
    ),
    "run.mark_values": (
        "a mark takes CARRIER MARK, and the IMEI when it is not the phone's first",
        "判定の記録には「キャリア 判定」が必要です（端末の1つ目以外のIMEIなら、そのIMEIも）",
    ),
    "run.not_its_imei": (
        "{imei} is not an IMEI inspection {inspection} read",
        "{imei} は点検 {inspection} で読み取ったIMEIではありません",
    ),
    # ------------------------------------------------------------------ the phone's label (label-19)
    "help.label": (
        "Write a phone's label (値札・管理ラベル) as a PDF at the label's size, and print it on request.",
        "端末の値札・管理ラベルをラベルの大きさのPDFで出力します（指定すれば印刷も）。",
    ),
    "label.no_identity": (
        "inspection {inspection} read neither an IMEI nor a serial number ({state:state}): a label must "
        "name the phone; inspect it again once it can be read",
        "点検 {inspection} ではIMEIもシリアル番号も読み取れていません（{state:state}）。ラベルには端末の特定が"
        "必要です。読み取れる状態にしてから、もう一度点検してください",
    ),
    "label.grade": ("Grade", "グレード"),
    "label.battery": ("Battery", "バッテリー"),
    "label.not_looked_up": ("carriers not asked", "キャリア未確認"),
    "label.no_answers": ("no carrier answered", "キャリアの回答なし"),
    "label.bad_size": (
        "{size}: not a label size; write WIDTHxHEIGHT in millimetres, each 12 to 300 (62x100, 29x90mm)",
        "{size}：ラベルの大きさではありません。幅x高さをミリ単位で、それぞれ12〜300の範囲で指定してください"
        "（62x100、29x90mm）",
    ),
    "label.no_channel": (
        "the label's channel {channel} is not in the policy, which has {channels} (label.channel, --channel)",
        "ラベルの販売チャネル {channel} はポリシーにありません。ポリシーのチャネル：{channels}"
        "（label.channel、--channel）",
    ),
    "label.no_printer": (
        "--print needs a printer: set label.printer to a CUPS queue (`lpstat -p` lists them)",
        "--print にはプリンターが必要です。label.printer にCUPSのキュー名を設定してください"
        "（`lpstat -p` で一覧できます）",
    ),
    "label.no_lp": (
        "cannot run lp ({why}): install CUPS's client (apt-get install cups-client)",
        "lp を実行できません（{why}）。CUPSのクライアントをインストールしてください（apt-get install cups-client）",
    ),
    "label.lp_timeout": (
        "lp did not take the label for {printer} within {seconds} s",
        "lp が {seconds} 秒以内に {printer} へのラベルを受け付けませんでした",
    ),
    "label.lp_failed": (
        "lp could not send the label to {printer} (exit {code})[: {said}]",
        "lp で {printer} にラベルを送れませんでした（終了コード {code}）[：{said}]",
    ),
    "label.sent": ("sent {file} to the printer {printer}", "{file} をプリンター {printer} に送りました"),
    "label.failed": (
        "the label of inspection {inspection} was not made: {problem}",
        "点検 {inspection} のラベルを作成できませんでした：{problem}",
    ),
}

# A moment as JSON writes one (UTC, with its offset): "2026-12-06T19:27:44.244360+00:00".
_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?([+-]\d{2}:\d{2}|Z)$")
NETWORK = re.compile(rf"^({'|'.join(carrier.value for carrier in Carrier)}) network$")  # CarrierInfo.network
_PLACEHOLDER = re.compile(r"\{(\w+)(?::(\w+))?\}")
_OPTIONAL = re.compile(r"\[([^\[\]]*)\]")
_ENUM_NAMESPACES: dict[type[Enum], str] = {
    Carrier: "carrier",
    Platform: "platform",
    Provenance: "provenance",
    Outcome: "outcome",
    ImeiStatus: "status",
    DeviceState: "state",
    Level: "level",
}


def render(message: Message | None, lang: Lang = "en") -> str:
    """The words for a Message in `lang`; an unknown code renders as the code and its parameters."""
    if message is None:
        return ""
    entry = CATALOG.get(message.code)
    if entry is None and message.code.startswith("carrier."):
        entry = carrier_names().get(message.code)
    if entry is None:
        return f"{message.code} {message.params}" if message.params else message.code
    template = entry[LANGS.index(lang)]
    return _fill(template, message.params, lang)


def has_words(code: str) -> bool:
    """Whether the catalog (or the carriers' table, for carrier.<key>) has words for `code`."""
    return code in CATALOG or code in carrier_names()


@cache
def carrier_names() -> dict[str, tuple[str, str]]:
    """carrier.<key> → (English, Japanese): each carrier's names from the carriers' table (read when a
    carrier is first named, so that `tenken --help` reads no table)."""
    from tenken.catalog import carrier_row

    return {
        f"carrier.{carrier.value}": (carrier_row(carrier).short, carrier_row(carrier).name_ja)
        for carrier in Carrier
    }


def fact_code(field: str, platform: Platform | None = None) -> str:
    """The catalog entry that names a fact on this platform: an Android phone's model ID (SO-51C) is what
    shops call its 型番, an iPhone's (iPhone14,5) its 機種ID, beside the 型番 MLNC3J/A."""
    if field == "model_id" and platform is Platform.ANDROID:
        return "fact.model_number"
    return f"fact.{field}"


def label(code: str, lang: Lang = "en") -> str:
    """A catalog entry without parameters (names of things: states, carriers, fact names)."""
    return render(Message(code), lang)


def name(value: Enum | str, lang: Lang = "en") -> str:
    """The display name of an enum value (a carrier, a state) or of SIM_FREE."""
    if isinstance(value, Enum):
        return label(f"{_ENUM_NAMESPACES[type(value)]}.{value.value}", lang)
    return label(f"carrier.{value}", lang) if has_words(f"carrier.{value}") else value


def _fill(template: str, params: Mapping[str, Any], lang: Lang) -> str:
    def optional(found: re.Match[str]) -> str:
        names = [match.group(1) for match in _PLACEHOLDER.finditer(found.group(1))]
        if any(_empty(params.get(key)) for key in names):
            return ""
        return found.group(1)

    expanded = _OPTIONAL.sub(optional, template)
    return _PLACEHOLDER.sub(lambda found: _value(params.get(found.group(1)), found.group(2), lang), expanded)


def _empty(value: Any) -> bool:
    return value is None or value == "" or (isinstance(value, list | tuple) and not value)


def value_in(value: Any, lang: Lang) -> str:
    """A value as a message parameter shows it (times in JST, a carrier's network by name…)."""
    return _value(value, None, lang)


def _value(value: Any, namespace: str | None, lang: Lang) -> str:
    if isinstance(value, list | tuple):
        return ("、" if lang == "ja" else ", ").join(_value(item, namespace, lang) for item in value)
    if value is None:
        return ""
    if isinstance(value, Message):
        return render(value, lang)
    if namespace is not None:
        return label(f"{namespace}.{value}", lang)
    if isinstance(value, Enum) and type(value) in _ENUM_NAMESPACES:
        return name(value, lang)
    if isinstance(value, datetime):
        return jst(value)
    if isinstance(value, str) and _MOMENT.match(value):
        return jst(datetime.fromisoformat(value))  # a time read back from JSON: shown in JST like any
    if isinstance(value, str) and (network := NETWORK.match(value)):  # "docomo network", a SIM's network
        return render(Message("value.carrier_network", {"carrier": Carrier(network.group(1))}), lang)
    if isinstance(value, float):
        return f"{value:g}"
    if value == "sim-free":
        return label("carrier.sim-free", lang)
    return str(value)


def jst(moment: datetime) -> str:
    """A time for people: Japan time, to the minute (stored and in JSON: UTC, ISO 8601)."""
    return moment.astimezone(JST).strftime("%Y-%m-%d %H:%M JST")


def language(requested: str | None = None, environ: Mapping[str, str] | None = None) -> Lang:
    """`--lang`, else the `lang` setting (passed in as `requested`), else the locale: ja_JP… → Japanese."""
    if requested == "ja":
        return "ja"
    if requested == "en":
        return "en"
    environ = os.environ if environ is None else environ
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(variable)
        if value:
            return "ja" if value.lower().startswith("ja") else "en"
    found = locale.getlocale()[0] or ""
    return "ja" if found.lower().startswith("ja") else "en"
