"""The customer's profile, history and needs: company to desired state."""

from __future__ import annotations

from datetime import date

from bench.memos_heldout.facts import (
    fmt_date,
    maybe_zen,
)
from bench.memos_heldout.phrasing import (
    PROSE,
    Ctx,
    fact,
    hedge,
    no_marker,
    no_sentence,
    no_value,
)


def company(c: Ctx, st: str, mode: str) -> str:
    L = c.lead
    if st == "confirmed":
        c.values["company"] = L.company_full
        if mode == "kv":
            return c.pick(L.company_full, f"{L.company_full}（{L.industry}）")
        if mode == "crm":
            return c.pick(L.company_full, f"{L.company_full} / {L.industry}")
        if mode == "polite":
            return c.pick(
                f"{L.company_full}様の件でトスアップいたします。",
                f"{L.company_full}様（{L.industry}）の案件をお渡しします。",
                f"{L.company_full}様の商談が設定できましたので共有します。",
                f"今回は{L.industry}の{L.company_full}様です。",
            )
        return c.pick(
            f"えーと、{L.company_full}さんの件なんですけど、",
            f"あ、{L.company_full}さんの件です。{L.industry}の会社で、",
            f"はい、じゃあ{L.company_full}さんのトスアップです。",
        )
    if st == "partial":
        core = L.company_core
        c.values["company"] = core
        if mode in ("kv", "crm"):
            return c.pick(
                f"{core}（正式社名は未確認）",
                f"{core}?（フォーム記載の表記のみ）",
                f"たぶん{core}（HD側かも）",
                f"{core}グループのどこか（社名要確認）",
                f"{core}…と思われる（名刺なし）",
                f"{core}(?)　※カナ表記しか聞けておらず漢字不明",
                f"{core}さん（略称かも、登記名は未確認）",
                f"{core}と名乗られたが正式名称は要確認",
            )
        if mode == "polite":
            return c.pick(
                f"社名はおそらく{core}様ですが、正式名称は確認できていません。",
                f"{core}様（フォーム記載の表記のため、正式社名は要確認）の件です。",
                f"{core}様、もしくはそのグループ会社と思われます。",
            )
        return c.pick(
            f"えーと、たぶん{core}さんだと思うんですけど、正式な社名はまだ確認できてなくて、",
            f"{core}さん、あ、グループ会社のほうかもしれないんですけど、",
        )
    if mode in PROSE:
        if mode == "casual":
            return c.pick(
                "えーと、会社名がまだちゃんとわかってないんですけど、例の資料DLの件で、",
                "社名はすみません、まだ確認取れてなくて、フリーアドレスからの問い合わせの件です。",
            )
        return c.pick(
            "社名はまだ確認できておりません（フリーアドレスからの問い合わせのため）。",
            "会社名は未確認のままですが、先日のお問い合わせの件です。",
        )
    return no_marker(c, mode)


def contact(c: Ctx, st: str, mode: str) -> str:
    L = c.lead
    s, t, d = L.surname, L.title, L.dept
    if st == "confirmed":
        c.values["contact"] = s
        if mode == "kv":
            return c.pick(
                f"{d} {t} {s}様",
                f"{s}様（{d}／{t}）",
                f"{s} {t}（{d}）",
                f"{d}{t}・{s}氏",
                f"{s}様 {d} {t}",
            )
        if mode == "crm":
            return c.pick(f"{s}様 / {d} {t}", f"{s} ({t}, {d})", f"{s}{t} @{d}")
        if mode == "polite":
            return c.pick(
                f"ご担当は{d}の{s}{t}です。",
                f"窓口は{d} {t}の{s}様です。",
                f"お相手は{d}で{t}をされている{s}様です。",
            )
        return c.pick(
            f"担当は{d}の{s}さんで、{t}です。",
            f"窓口は{s}さん、{d}の{t}ですね。",
        )
    if st == "partial":
        kind = c.r.random()
        if kind < 0.6:
            c.values["contact"] = s
            if mode in ("kv", "crm"):
                return c.pick(
                    f"{s}様（役職未確認）",
                    f"{s}様（部署・役職は聞けず）",
                    f"{s}様?（電話口で聞き取り、漢字も要確認）",
                    f"{s}さん（肩書き不明）",
                    f"{s}様 ※役職はまだ",
                    f"{s}様（たぶん現場の方）",
                    f"{s}氏／役職・部署不明",
                )
            if mode == "polite":
                return c.pick(
                    f"ご担当は{s}様ですが、役職は伺えていません。",
                    f"窓口は{s}様と思われます（お名前のみで部署・役職は未確認）。",
                )
            return c.pick(
                f"担当は{s}さん、って言ってたと思うんですけど、役職はわかんないです。",
                f"窓口はたぶん{s}さんで、肩書きは聞けてないです。",
            )
        if mode in ("kv", "crm"):
            return c.pick(
                f"{d}の{t}クラスの方らしい（お名前未確認）",
                f"{d}の方（氏名控え漏れ、たぶん管理職）",
            )
        if mode == "polite":
            return f"ご担当は{d}の管理職の方のようですが、お名前は控えられていません。"
        return f"担当は{d}の人っぽいんですけど、名前を聞きそびれちゃって。"
    return no_value(c, mode, c.pick("ご担当者のお名前と役職", "窓口の方の氏名・役職"))


def contact_info(c: Ctx, st: str, mode: str) -> str:
    L = c.lead
    mail = L.email if c.contact_known else L.rep_email
    if c.labels["company"] not in ("confirmed", "partial"):
        # a free-mail address: the company's domain would name the company
        tail = L.phone[-4:]
        mail = (
            f"{L.surname_romaji}.{tail}@gmail.com"
            if c.contact_known
            else (f"user{tail}@gmail.com")
        )
    if st == "confirmed":
        phone = maybe_zen(c.r, L.phone, 0.1)
        if mode in ("kv", "crm"):
            return c.pick(
                f"TEL {phone} / {mail}",
                f"{phone}（直通）、{mail}",
                f"電話：{phone}　メール：{mail}",
                f"{mail} ／ {phone}",
                f"Tel: {phone}, Mail: {mail}",
            )
        if mode == "polite":
            return c.pick(
                f"連絡先は{phone}（直通）と{mail}です。",
                f"ご連絡は{mail}宛て、お電話は{phone}でつながります。",
            )
        return c.pick(
            f"連絡先は電話が{phone}で、メールが{mail}です。",
            f"電話は{phone}、メールは{mail}ですね。",
        )
    if st == "partial":
        if mode in ("kv", "crm"):
            return c.pick(
                f"代表 {L.phone} のみ（直通・メールは未確認）",
                f"{mail}（フォーム入力のもの、個人宛てかは不明）",
                f"{L.phone}?（メモが走り書きで番号要確認）",
                f"メールのみ：{mail}（たぶん共有アドレス）",
                f"{mail}のみ把握、電話は未確認",
                f"代表：{L.phone}（直通は聞けず）",
                f"{L.phone}（携帯かも、要確認）",
            )
        if mode == "polite":
            return c.pick(
                f"連絡先はフォームに記載の{mail}のみで、個人宛てかは不明です。",
                f"お電話は代表の{L.phone}しか把握できておらず、直通はたぶん内線経由です。",
            )
        return c.pick(
            f"連絡先は{mail}ってのはわかってるんですけど、共有アドレスっぽいです。",
            f"電話は代表の{L.phone}しかわかってなくて、直通は不明です。",
        )
    return no_value(c, mode, c.pick("直通の連絡先", "連絡先（電話・メール）"))


def company_size(c: Ctx, st: str, mode: str) -> str:
    L = c.lead
    e, rv = L.employees, L.revenue_oku
    if st == "confirmed":
        if mode in ("kv", "crm"):
            if mode == "crm" and c.r.random() < 0.4:
                return f"{e} emp / {rv}億"
            return maybe_zen(
                c.r,
                c.pick(
                    f"従業員{e}名／売上{rv}億円",
                    f"{e}名・年商{rv}億",
                    f"社員数{e}人、売上高{rv}億円（前期）",
                    f"従業員数 {e}名（連結）/ 売上 {rv}億円",
                    f"{e}名規模、売上{rv}億円",
                ),
            )
        clause = c.pick(
            f"規模は従業員{e}名、年商{rv}億円",
            f"従業員は{e}名、売上は{rv}億円",
            f"社員{e}人で売上{rv}億",
        )
        return fact(c, clause, mode, noun=True)
    if st == "partial":
        lo = max(10, round(e * 0.6, -1))
        hi = round(e * 1.5, -1)
        if mode in ("kv", "crm"):
            return c.pick(
                f"{lo}〜{hi}名くらい（売上不明）",
                f"中堅規模（{round(e, -1)}名前後らしい）",
                f"HPベースで{round(e, -1)}名程度、売上は未確認",
                "おそらく数百名規模" if e >= 200 else "たぶん100名未満",
                f"{lo}-{hi}人?",
                f"{round(e, -1)}名くらい？売上は聞けず",
                f"売上{rv}億前後らしい（従業員数不明）",
                f"{lo}名以上はいそう",
            )
        clause = c.pick(
            f"規模は{lo}〜{hi}名くらい",
            f"従業員はたぶん{round(e, -1)}名前後",
            "中堅どころ" if e >= 200 else "小規模",
        )
        return hedge(c, clause, mode)
    return no_value(c, mode, c.pick("従業員数や売上規模", "会社の規模感"))


_CHANNELS = (
    "資料ダウンロード",
    "ウェビナー参加",
    "問い合わせフォーム",
    "展示会での名刺交換",
    "既存顧客からの紹介",
    "料金ページ閲覧からのフォーム送信",
)


def _channel(c: Ctx) -> str:
    i = (c.lead.first_contact.toordinal() + len(c.lead.company_core)) % len(_CHANNELS)
    return _CHANNELS[i]


def jun(d: date) -> str:
    return "上旬" if d.day <= 10 else "中旬" if d.day <= 20 else "下旬"


def first_contact(c: Ctx, st: str, mode: str) -> str:
    L = c.lead
    ch = _channel(c)
    if st == "confirmed":
        dt = fmt_date(c.r, L.first_contact, L.reference)
        if mode in ("kv", "crm"):
            return c.pick(f"{dt}（{ch}）", f"{dt} {ch}", f"{dt}", f"{dt}／{ch}")
        clause = c.pick(f"最初の接点は{dt}の{ch}", f"初回接点は{dt}（{ch}）")
        return fact(c, clause, mode, noun=True, own=True)
    if st == "partial":
        m = f"{L.first_contact.month}月{jun(L.first_contact)}"
        if mode in ("kv", "crm"):
            return c.pick(
                f"{m}頃（{ch}）",
                f"{L.first_contact.month}月頃？",
                f"たぶん{ch}経由（日付不明）",
                f"{m}あたり、{ch}だったはず",
                f"{L.first_contact.month}月中（日付不明）",
                f"{L.first_contact.month}月?（MAの記録があいまい）",
                f"{ch}経由らしい、時期は{L.first_contact.month}月頃",
            )
        clause = c.pick(f"最初の接点は{m}頃の{ch}", f"最初はたぶん{ch}で、{m}あたり")
        return hedge(c, clause, mode)
    extra = ("記録なし", "記録なし（MA導入前）", "履歴なし・不明")
    if mode in PROSE:
        return no_sentence(
            c,
            c.pick("最初の接点がいつだったか", "初回の接点日"),
            mode,
            ("初回接点は記録がなく不明です。",),
        )
    return no_marker(c, mode, extra)


def touch_count(c: Ctx, st: str, mode: str) -> str:
    n = c.lead.touches
    if st == "confirmed":
        calls = max(1, n - 2)
        if mode in ("kv", "crm"):
            return maybe_zen(
                c.r,
                c.pick(
                    f"{n}回",
                    f"計{n}回",
                    f"{n}回（架電{calls}・メール{n - calls - 1}・Web面談1）"
                    if n - calls - 1 >= 0
                    else f"{n}回",
                    f"{n}回目でアポ獲得",
                    f"{n}",
                ),
            )
        clause = c.pick(f"これまでの接点は{n}回", f"やり取りは計{n}回")
        return fact(c, clause, mode, noun=True, own=True)
    if st == "partial":
        if mode in ("kv", "crm"):
            return c.pick(
                f"{n}〜{n + 2}回程度",
                "数回（正確な回数は未集計）",
                f"{n}回くらい？",
                f"{n}回前後",
                f"{n}回以上（メール含めると不明）",
                f"たぶん{n}回",
                "数回程度",
                f"{n}～{n + 1}回",
            )
        clause = c.pick(f"接点は{n}回くらい", f"やり取りは{n}〜{n + 2}回")
        return hedge(c, clause, mode)
    return no_value(c, mode, c.pick("これまでの接点回数", "接点の回数"))


def touch_summary(c: Ctx, st: str, mode: str) -> str:
    ch = _channel(c)
    w = c.who(mode)
    if st == "confirmed":
        if mode in ("kv", "crm"):
            arrow = c.pick(" → ", "→", "⇒", " > ")
            steps = c.pick(
                f"{ch}{arrow}架電で課題ヒアリング{arrow}Web面談でデモ",
                f"{ch}{arrow}お礼メール{arrow}架電（{w}と接続、15分）{arrow}日程調整",
                f"{ch}後にフォロー架電、電話で課題と現状の運用を確認",
                f"{ch}{arrow}オンライン面談でサービス概要説明{arrow}アポ合意",
            )
            return steps
        clause = c.pick(
            f"{ch}をきっかけにお電話し、課題をヒアリングしたうえでWeb面談でデモをお見せしました",
            f"{ch}のあと、{w}とお電話でお話しし、商談の合意をいただきました",
        )
        if mode == "casual":
            clause = c.pick(
                f"{ch}から入って、電話で課題聞いて、そのあとWebで軽くデモ見せました",
                f"{ch}のあと電話して、{w}と話して、で今回アポ取れました",
            )
        return clause + "。"
    if st == "partial":
        if mode in ("kv", "crm"):
            return c.pick(
                "何度か電話で話している（内容は前任メモのみ、詳細不明）",
                "メール中心のやり取りだったと思われる",
                f"{ch}後にフォローしたはず…（記録あいまい）",
                "前任者が数回架電していたらしい",
                "電話で何度か（記録が残っていないため詳細あいまい）",
                f"{ch}のあと1〜2回話した程度",
                "ウェビナー後のフォローコールのみ？",
            )
        clause = c.pick(
            "これまでは前任者が何度かお電話していた",
            "やり取りはメール中心だった",
        )
        return hedge(c, clause, mode)
    return no_value(
        c, mode, c.pick("これまでのやり取りの中身", "過去の接点の内容"), ("記録なし",)
    )


def problem(c: Ctx, st: str, mode: str) -> str:
    L = c.lead
    if st == "confirmed":
        if mode in ("kv", "crm"):
            return L.problem
        if mode == "polite":
            return c.pick(
                f"課題は、{L.problem}という点です。",
                f"一番のお困りごとは「{L.problem}」こととのことです。",
                f"{L.problem}とのことで、ここを何とかしたいとのご相談です。",
            )
        return c.pick(
            f"で、困ってるのが、{L.problem}ってことで。",
            f"課題としては{L.problem}って言ってました。",
        )
    if st == "partial":
        a = L.product.area
        if mode in ("kv", "crm"):
            return c.pick(
                f"{a}の効率化（具体的な中身は未深掘り）",
                f"{a}に何かしら課題はありそう",
                f"たぶん{a}の手間。数字は聞けず",
                f"{a}で困っているらしい（又聞き）",
                f"{a}の見直しを検討中？課題の中身は深掘りできず",
                f"{a}が回っていない感じ（詳細未確認）",
                f"おそらく{a}のコスト",
                f"{a}全般。具体的なところはたぶん現場の方が詳しい",
            )
        clause = c.pick(f"{a}で何かお困り", f"課題は{a}の効率化あたり")
        return hedge(c, clause, mode)
    return no_value(
        c, mode, c.pick("具体的な課題", "お困りごとの中身"), ("深掘りできず",)
    )


def cause(c: Ctx, st: str, mode: str) -> str:
    L = c.lead
    if st == "confirmed":
        if mode in ("kv", "crm"):
            return L.cause
        if mode == "polite":
            return c.pick(
                f"背景としては、{L.cause}とのことです。",
                f"原因は{L.cause}点にあるとのことでした。",
            )
        return c.pick(
            f"なんでかっていうと、{L.cause}って話で。",
            f"原因は、{L.cause}ってところで、これはご本人が言ってました。",
        )
    if st == "partial":
        guess = c.pick(
            "人手不足", "業務の属人化", "システムの老朽化", "拠点間の連携不足"
        )
        if mode in ("kv", "crm"):
            return c.pick(
                f"{guess}が背景と思われる",
                f"おそらく{guess}（推測）",
                f"{guess}…かも",
                f"{guess}が原因らしい",
                f"{guess}？（先方も整理できていない様子）",
                f"{guess}あたりと思われる",
                f"たぶん{guess}",
            )
        return hedge(c, f"背景は{guess}", mode)
    return no_value(c, mode, c.pick("課題の背景・原因", "なぜそうなっているか"))


def desired_state(c: Ctx, st: str, mode: str) -> str:
    L = c.lead
    if st == "confirmed":
        if mode in ("kv", "crm"):
            return L.desired
        if mode == "polite":
            return c.pick(
                f"解決後は「{L.desired}」とのご要望です。",
                f"目指す姿としては、{L.desired}とのことです。",
            )
        return c.pick(
            f"で、{L.desired}って言ってました。",
            f"ゴールは、{L.desired}ってことでした。",
        )
    if st == "partial":
        if mode in ("kv", "crm"):
            return c.pick(
                "とにかく楽にしたい、くらいの温度感かも",
                "ゴールはまだぼんやり（たぶん工数削減）",
                "業務時間の短縮…と思われる",
                "現場の負担軽減が目的らしい",
                "見える化したい？（具体像は未確認）",
                "ミスを減らしたい、というニュアンスかも",
                "たぶんペーパーレス化",
                "コスト削減が狙いと思われる",
            )
        return hedge(
            c, c.pick("ゴールは工数削減あたり", "目指す姿はまだぼんやり"), mode
        )
    return no_value(c, mode, c.pick("導入後にどうなりたいか", "解決後のイメージ"))
