"""The deal: BANT, competition, the agreed meeting and the notes."""

from __future__ import annotations

from bench.memos_heldout.facts import (
    add_months,
    fmt_amount,
    fmt_date,
    fmt_time,
    wd,
)
from bench.memos_heldout.fields_profile import jun
from bench.memos_heldout.phrasing import (
    PROSE,
    Ctx,
    fact,
    hedge,
    no_marker,
    no_sentence,
    no_value,
)


def budget(c: Ctx, st: str, mode: str) -> str:
    L = c.lead
    m = L.budget_man
    if st == "confirmed":
        if c.r.random() < 0.08:
            if mode in ("kv", "crm"):
                return c.pick(
                    "予算なし（今期は取っていないと明言）", "予算枠なし（確認済み）"
                )
            return fact(c, "予算は今期は取っていない", mode, noun=False)
        c.values["budget_jpy"] = m * 10000
        amt = fmt_amount(c.r, m)
        if mode in ("kv", "crm"):
            return c.pick(
                f"{amt}（今期予算で確保済み）",
                f"{amt}（年額、稟議済み）",
                f"{amt}",
                f"{amt}／確保済",
                f"年間{amt}で予算化済み",
                f"上限{amt}",
            )
        clause = c.pick(
            f"予算は{amt}で確保済み",
            f"予算は年間{amt}で、すでに予算化済み",
            f"ご予算は上限{amt}",
        )
        return fact(c, clause, mode, noun=True)
    if st == "partial":
        lo, hi = max(10, m // 2), m * 2
        single = c.r.random() < 0.5
        if single:
            c.values["budget_jpy"] = m * 10000
            amt = fmt_amount(c.r, m)
            if mode == "crm":
                return c.pick(f"~{amt}", f"{amt}? (未確定)", f"たぶん{amt}前後")
            if mode == "kv":
                return c.pick(
                    f"{amt}程度？",
                    f"{amt}前後と思われる（上長確認中）",
                    f"たぶん{amt}以内",
                    f"{amt}くらいらしい",
                )
            return hedge(
                c, c.pick(f"予算は{amt}くらい", f"予算はたぶん{amt}前後"), mode
            )
        if mode in ("kv", "crm"):
            return c.pick(
                f"{lo}〜{hi}万円くらい",
                f"{lo}-{hi}万?",
                "来期予算で申請予定（金額未定）",
                "予算化はこれから、金額感は不明",
                f"{lo}万〜{hi}万あたり？",
                "下期に予算取りする予定",
            )
        return hedge(c, c.pick(f"予算は{lo}〜{hi}万円", "予算はこれから申請"), mode)
    return no_value(c, mode, c.pick("予算", "ご予算", "予算感"))


def authority(c: Ctx, st: str, mode: str) -> str:
    L = c.lead
    b = f"{L.boss_surname}{L.boss_title}"
    if st == "confirmed":
        opts = [
            f"{b}が最終決裁",
            f"{L.boss_title}決裁（稟議：担当→部長→{L.boss_title}）",
            f"決裁者は{L.boss_title}の{L.boss_surname}氏、稟議は2段階",
            "500万円以下は部長決裁で完結、超える場合は役員会",
            f"起案は担当部署、最終は{b}",
        ]
        if c.contact_known:
            opts.append(f"{L.surname}{L.title}ご本人に決裁権あり")
        if mode in ("kv", "crm"):
            v = c.r.choice(opts)
            return (
                f"DM={L.boss_title} ({L.boss_surname})"
                if mode == "crm" and c.r.random() < 0.3
                else v
            )
        clause = c.pick(
            f"決裁は{b}で、稟議は担当部署から上げる流れ",
            f"最終決裁者は{L.boss_title}の{L.boss_surname}様",
            "社内の稟議は部長決裁まで",
        )
        return fact(c, clause, mode, noun=True)
    if st == "partial":
        if mode in ("kv", "crm"):
            return c.pick(
                f"{L.boss_title}決裁と思われる（未確定）",
                "稟議が必要らしい（決裁者不明）",
                f"たぶん{L.boss_title}まで上がる",
                "部長決裁？",
                "決裁ルートは担当の方も曖昧な様子",
                f"{L.boss_title}？（稟議フローは未確認）",
                "役員会にかかるかも",
                "おそらく部長決裁、金額次第で上へ",
            )
        return hedge(c, c.pick(f"決裁は{L.boss_title}", "稟議は必要"), mode)
    return no_value(c, mode, c.pick("決裁者と稟議の流れ", "決裁フロー", "誰が決めるか"))


_REASONS = (
    "来年4月の法改正に間に合わせる必要がある",
    "中期経営計画の重点テーマになっている",
    "社長から今期中に解決するよう指示が出ている",
    "現行システムの保守契約が今年度で切れる",
    "繁忙期の前に片付けたい",
    "監査で指摘を受けている",
)


def need(c: Ctx, st: str, mode: str) -> str:
    reason = c.r.choice(_REASONS)
    if st == "confirmed":
        if mode in ("kv", "crm"):
            if c.r.random() < 0.15:
                return c.pick(
                    "低め（今期は情報収集段階と明言）", "中：来期テーマとして検討"
                )
            return c.pick(
                f"高（{reason}）",
                f"優先度A：{reason}",
                f"緊急度 高。{reason}ため",
                f"高い／{reason}",
                f"High - {reason}" if mode == "crm" else f"◎ {reason}",
            )
        clause = c.pick(
            f"{reason}ため、優先度は高い",
            f"緊急度は高く、理由は{reason}から",
        )
        return fact(c, clause, mode, noun=True)
    if st == "partial":
        if mode in ("kv", "crm"):
            return c.pick(
                "高そう（社長案件かも）",
                "中くらい？",
                "そこまで急ぎではなさそう",
                "上の方が気にしているらしい",
                "高め？急いでいる雰囲気はある",
                "優先度はたぶん中",
                "急ぎではない模様",
                "mid? 温度感まだ読めず" if mode == "crm" else "中〜高（推測）",
            )
        return hedge(c, c.pick("優先度はそこそこ高い", "そこまで急ぎではない"), mode)
    return no_value(c, mode, c.pick("緊急度・優先度", "どのくらい急いでいるか"))


def timeline(c: Ctx, st: str, mode: str) -> str:
    ref = c.lead.reference
    d1 = add_months(ref, c.r.randrange(1, 3))
    d2 = add_months(d1, c.r.randrange(1, 4))
    m1, m2 = d1.month, d2.month
    if st == "confirmed":
        fy = ref.year if ref.month >= 4 else ref.year - 1
        opts = [
            f"{m1}月中に選定、{m2}月稼働希望",
            f"{m1}月末までに社内決裁、{m2}月から利用開始したい",
            f"{fy}年度内に契約、{m2}月本番",
            f"選定{m1}月・導入{m2}月",
        ]
        if mode in ("kv", "crm"):
            v = c.r.choice(opts)
            return (
                f"decide {m1}月 / start {m2}月"
                if mode == "crm" and c.r.random() < 0.3
                else v
            )
        clause = c.pick(
            f"スケジュールは{m1}月中に選定、{m2}月から使い始めたい",
            f"{m1}月末までに決めて、{m2}月稼働を目指したい",
        )
        return fact(c, clause, mode, noun=False)
    if st == "partial":
        if mode in ("kv", "crm"):
            return c.pick(
                f"{m2}月頃導入できれば",
                "下期中？",
                "年度内には…と思われる",
                f"{m1}〜{m2}月あたり（未確定）",
                "来期以降の可能性",
                f"{m1}月頃に検討開始？",
                f"早ければ{m2}月、たぶんもう少し先",
                f"{m2}月導入予定（社内調整前）",
            )
        return hedge(c, c.pick(f"導入は{m2}月頃", "年度内に導入"), mode)
    return no_value(
        c,
        mode,
        c.pick("導入時期", "検討スケジュール", "いつまでに入れたいか"),
        ("未定",),
    )


def competitors(c: Ctx, st: str, mode: str) -> str:
    rv = c.lead.rivals
    names = "・".join(rv)
    if st == "confirmed":
        if c.r.random() < 0.15:
            if mode in ("kv", "crm"):
                return c.pick(
                    "競合なし（当社のみで検討）", "なし（他社比較はしていないと確認）"
                )
            return fact(c, "他社とは比較しておらず、当社のみで検討", mode, noun=None)
        if mode in ("kv", "crm"):
            return c.pick(
                f"{names}と比較中",
                f"{names}",
                f"{rv[0]}（見積取得済み）"
                if len(rv) == 1
                else f"{names}（いずれも資料請求済み）",
                f"現行{rv[0]}からのリプレース検討",
            )
        return fact(
            c, c.pick(f"{names}と比較されている", f"比較先は{names}"), mode, noun=False
        )
    if st == "partial":
        if mode in ("kv", "crm"):
            return c.pick(
                "他社も見ているらしい（社名は聞けず）",
                f"たぶん{rv[0]}も候補",
                "2〜3社比較しているかも",
                f"{rv[0]}?",
                "大手を1社見ているらしい",
                f"{names}あたりかも",
                "相見積もりになりそう",
                "前に他社のデモを見たことがあるとか（社名不明）",
            )
        return hedge(c, c.pick("他社も見ている", f"{rv[0]}も候補に入っている"), mode)
    return no_value(c, mode, c.pick("競合の状況", "他社比較の有無"))


_GOOD = (
    "画面がわかりやすい",
    "同業の導入事例が多い",
    "サポート体制が手厚い",
    "初期費用が安い",
)
_CONCERN = (
    "既存システムとの連携",
    "価格（他社より高い印象）",
    "現場が使いこなせるか",
    "セキュリティ審査が通るか",
    "移行の手間",
)


def impression(c: Ctx, st: str, mode: str) -> str:
    g, k = c.r.choice(_GOOD), c.r.choice(_CONCERN)
    if st == "confirmed":
        if mode in ("kv", "crm"):
            return c.pick(
                f"{g}と好評。懸念は{k}",
                f"好印象（{g}）／懸念：{k}",
                f"懸念は{k}（良い点は{g}）",
                f"+ {g} / - {k}" if mode == "crm" else f"〇{g}　×{k}",
            )
        clause = c.pick(
            f"当社については{g}と好評で、懸念は{k}",
            f"懸念点は{k}で、良い点としては{g}",
        )
        return fact(c, clause, mode, noun=True)
    if st == "partial":
        if mode in ("kv", "crm"):
            return c.pick(
                "反応は悪くなさそう",
                f"{k}を気にしているかも",
                "温度感は高めと思われる",
                "好感触っぽいが懸念点は聞けず",
                "価格はたぶん気にしている",
                "悪い印象はなさそう",
                f"{k}が引っかかっているかも",
                "前向きな様子",
            )
        return hedge(c, c.pick("反応は悪くない", f"{k}を気にしている"), mode)
    return no_value(c, mode, c.pick("当社への印象や懸念点", "当社の評価・懸念"))


def _when(c: Ctx) -> tuple[str, str]:
    L = c.lead
    return fmt_date(c.r, L.meeting, L.reference, weekday=True), fmt_time(c.r, L.hour)


def meeting_datetime(c: Ctx, st: str, mode: str) -> str:
    L = c.lead
    if st == "confirmed":
        c.values["meeting_date"] = L.meeting.isoformat()
        d, t = _when(c)
        if mode == "crm":
            return c.pick(
                f"{d} {t}",
                f"{d} {t} 確定",
                f"{L.meeting.month}/{L.meeting.day}({wd(L.meeting)}) {t}",
            )
        if mode == "kv":
            return c.pick(f"{d} {t}", f"{d}　{t}", f"{d} {t}（確定）")
        clause = c.pick(f"商談は{d} {t}で確定", f"日程は{d}の{t}")
        return fact(c, clause, mode, noun=True)
    if st == "partial":
        d, t = _when(c)
        if c.r.random() < 0.7:
            c.values["meeting_date"] = L.meeting.isoformat()
            if mode in ("kv", "crm"):
                return c.pick(
                    f"{d} {t}で仮押さえ（先方確認待ち）",
                    f"{d}午後で調整（時間未確定）",
                    f"第1候補 {d} {t}（最終確認待ち）",
                    f"{d}?",
                    f"{d} {t}（仮）",
                    f"{d}で打診中、たぶんOK",
                    f"{d} {t}予定（先方の上長の都合次第）",
                )
            return hedge(
                c, c.pick(f"日程は{d} {t}で仮押さえ", f"商談は{d}あたり"), mode
            )
        m = f"{L.meeting.month}月{jun(L.meeting)}"
        if mode in ("kv", "crm"):
            return c.pick(f"{m}頃で調整", f"{m}のどこか（候補日打診中）")
        return hedge(c, f"日程は{m}頃", mode)
    if mode in PROSE:
        return no_sentence(
            c,
            c.pick("商談の日時", "日程"),
            mode,
            ("日程はまだ調整中です。",),
        )
    if c.r.random() < 0.6:
        return c.pick(
            "調整中", "未定", "日程調整中", "先方回答待ち", "TBD", "候補日回答待ち"
        )
    return no_marker(c, mode, ("調整中", "未定", "日程調整中"))


def meeting_format(c: Ctx, st: str, mode: str) -> str:
    L = c.lead
    if st == "confirmed":
        if L.online:
            if mode in ("kv", "crm"):
                return c.pick(
                    f"オンライン（{L.tool}）",
                    f"Web（{L.tool}、URLは当方発行）",
                    f"{L.tool}",
                    f"オンライン／{L.tool}・先方URL",
                )
            return fact(
                c,
                c.pick(f"形式は{L.tool}でのオンライン", f"{L.tool}でのWeb商談"),
                mode,
                noun=True,
            )
        if mode in ("kv", "crm"):
            return c.pick(
                f"訪問（{L.city}の本社）",
                f"対面・先方オフィス（{L.city}）",
                "訪問",
                f"visit ({L.city})" if mode == "crm" else f"ご訪問／{L.city}",
            )
        return fact(
            c, c.pick(f"{L.city}の本社へ訪問", "先方オフィスでの対面"), mode, noun=True
        )
    if st == "partial":
        guess = "オンライン" if L.online else "訪問"
        if mode in ("kv", "crm"):
            return c.pick(
                f"{guess}になりそう",
                f"たぶん{guess}（未確定）",
                f"{guess}予定",
                f"{guess}?",
                f"{guess}希望らしい",
                f"{guess}の可能性が高い",
                f"{guess}かも（先方次第）",
            )
        return hedge(c, f"形式は{guess}", mode)
    if mode in PROSE:
        return no_sentence(c, c.pick("訪問かオンラインか", "商談の形式"), mode)
    return no_marker(c, mode, ("未定", "調整中"))


def attendees(c: Ctx, st: str, mode: str) -> str:
    L = c.lead
    w = c.who(mode)
    people = [w, *L.extra_attendees]
    n = len(people)
    if st == "confirmed":
        sep = c.pick("、", "・", "／")
        lst = sep.join(people)
        if mode in ("kv", "crm"):
            return c.pick(f"{lst}（計{n}名）", lst, f"{n}名：{lst}")
        if n == 1:
            return fact(c, f"先方の参加は{w}お一人", mode, noun=True)
        return fact(c, f"先方からは{lst}の{n}名が参加", mode, noun=True)
    if st == "partial":
        if mode in ("kv", "crm"):
            return c.pick(
                f"{w}＋上長の方が入るかも",
                f"{n}〜{n + 1}名の予定",
                f"{w}のほか、たぶん情シスの方",
                f"{w}（他は未確定）",
                f"{n}名くらい？",
                f"{w}ほか数名（たぶん現場の方）",
                f"決裁者も来るかも（{w}談）",
            )
        return hedge(
            c, c.pick(f"{w}のほかに上長の方も入る", f"参加は{n}〜{n + 1}名"), mode
        )
    return no_value(c, mode, c.pick("先方の参加者", "当日の参加メンバー"))


def expected_content(c: Ctx, st: str, mode: str) -> str:
    demo = c.lead.product.demo
    a, b = c.r.sample(demo, 2)
    if st == "confirmed":
        if mode in ("kv", "crm"):
            return c.pick(
                f"{a}、{b}", f"{a}と概算見積の提示", f"{a}／{b}", f"①{a} ②{b}"
            )
        if c.r.random() < 0.5:
            return fact(c, f"商談では{a}と{b}をご希望", mode, noun=True)
        return fact(c, f"当日は{a}と概算見積がほしい", mode, noun=None)
    if st == "partial":
        if mode in ("kv", "crm"):
            return c.pick(
                f"{a}あたりを期待しているかも",
                "まずは概要を聞きたい、くらいと思われる",
                f"たぶん{a}",
                "見積が欲しいらしい",
                "価格感を知りたい、くらいかも",
                f"{a}…？（具体的には未確認）",
                "導入事例を聞きたいらしい",
            )
        return hedge(c, c.pick(f"当日は{a}を見たい", "まずは概要を聞きたい"), mode)
    if mode in PROSE:
        return no_sentence(
            c,
            c.pick("商談で何を聞きたいか", "先方の期待内容"),
            mode,
            ("当日のご要望は特になしとのことです。",) if mode == "polite" else (),
        )
    return no_marker(c, mode, ("特になし", "なし"))


def notes(c: Ctx, st: str, mode: str) -> str:
    L = c.lead
    w = c.who(mode)
    if st == "confirmed":
        opts = [
            "決算期が3月のため、見積は年度内稟議に間に合うように出してほしいとのこと",
            f"{w}はメールより電話連絡を好まれる",
            "価格の話は上長同席の場でしてほしいと要望あり",
            "見積は税抜・年額表記でとのこと",
            f"{w}は前職で同種のツールを使っていたため説明は短めで可",
            "先方は導入事例の資料を事前に欲しいとのこと",
        ]
        if not L.online:
            opts.append("入館に事前登録が必要（前日までに訪問者氏名を連絡）")
        v = c.r.choice(opts)
        if mode in ("kv", "crm"):
            return v
        return v + "。" if v.endswith("こと") else fact(c, v, mode, noun=None)
    if st == "partial":
        if mode in ("kv", "crm"):
            return c.pick(
                "上層部は別製品を推しているらしい",
                "値引きを期待しているかも",
                f"{w}が近々異動するという話あり（未確認）",
                "社内で反対派がいそう",
                "予算の時期がずれ込むかも",
                "先方の繁忙期に入るらしく、返信が遅くなる可能性",
                f"{w}は電話よりメールを好む…気がする",
            )
        return hedge(
            c, c.pick("上層部は別製品を推している", "値引きを期待している"), mode
        )
    if mode in PROSE:
        return c.pick("特記事項は特になしです。", "注意点は特になしです。")
    return no_marker(c, mode, ("特になし", "なし", "特記事項なし", "特になし", "なし"))
