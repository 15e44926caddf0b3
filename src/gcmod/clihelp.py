"""``--help`` in the reader's language.

The commands in :mod:`gcmod.commands` are written in English with click; this module
holds the Japanese text of every command and option, and click classes that show
it when the language (:mod:`gcmod.i18n`) is Japanese. A test walks every command
and fails on an option or command without Japanese help, so a new option cannot
ship English-only.

Terms follow docs/terminology.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click

from gcmod.i18n import terminal_lang
from gcmod.textable import width as display_width
from gcmod.textable import wrap

#: Japanese descriptions of the commands, by command path (without ``gcmod``).
COMMANDS_JA: dict[str, str] = {
    "": """gcmod: ガバメントクラウド最適化ツールキット.

    最適化された構成 (Fargate、Aurora Serverless v2、マネージドなバックアップとログ、
    業務時間外の自動停止、バックアップのみの DR) を型付きのスタック設定から構築し、
    オフラインで検査します。Pulumi CLI もクラウドの認証情報も要りません。
    """,
    "synth": """スタックをオフラインで合成し、リソースグラフを表示します.

    STACK はスタック名 (省略時: saas-prod。プロジェクト内ではその唯一のスタック、
    または `prod`) か Pulumi.<stack>.yaml のパスです。
    --project DIR --stack NAME で任意の Pulumi Python プロジェクトを実行します
    (docs/projects.md)。JSON 形式は docs/graph.md に記載しています。
    終了コード: 0 完了、2 スタック・設定の誤りまたはモジュール不足、4 プログラム
    または合成の失敗 (例外、タイムアウト、グラフが届かない)。
    """,
    "calendar": """スタックの停止スケジュール: 次回の起動・停止と月間稼働時間.

    スタックが宣言する EventBridge Scheduler のスケジュール (平日の業務時間。土日、
    国民の祝日、12月29日〜1月3日は停止) から読み取ります。停止スケジュールのない
    スタック (既定では本番) は 24時間365日稼働します。
    終了コード: 0 完了、2 スタック・設定の誤り、4 合成の失敗。
    """,
    "check": """スタックをポリシーパックでオフライン検査します (Pulumi CLI・認証情報不要).

    モックランタイムでスタックを合成し、Pulumi エンジンが呼び出すのと同じアナライザーで
    すべてのルールを同じ意味で実行します。--project DIR --stack NAME で任意の
    Pulumi Python プロジェクト (ベンダーのプログラムなど) を検査します。
    免除された指摘 (gcmod:waive タグ、gcmod-waivers.yaml) は「免除」と表示し、失敗に
    しません。期限切れの免除はそれ自体が指摘 (GCM-GOV-001) になります。
    --estimate で同じ合成結果から費用の概算も表示します (CI で1回の実行で両方)。
    終了コード: 0 必須違反なし、1 必須違反あり、2 スタック・設定・ポリシー設定・
    免除ファイル・ベースラインファイルの誤りまたはモジュール不足、4 プログラムまたは
    合成の失敗 (合格にはなりません)。
    """,
    "cache": """合成結果 (リソースグラフ) のキャッシュ.

    check・estimate・calendar・synth・catalog は合成したグラフを $GCMOD_CACHE_DIR
    (なければ $XDG_CACHE_HOME/gcmod、なければ ~/.cache/gcmod) に保存し、プログラム・
    スタックファイル・gcmod・Pulumi が変わらない限り再利用します (docs/performance.md)。
    各コマンドの --no-cache で合成し直します。
    """,
    "cache clear": """キャッシュしたグラフをすべて削除します.""",
    "cache info": """キャッシュの場所と件数を表示します.""",
    "rules": """ポリシールールの一覧.

    ポリシーパックが提供するものと同じ一覧です。docs/rules.md はここから生成します。
    """,
    "estimate": """移行前のリフト&シフト構成と比べた月額費用の概算.

    施策別の削減額と団体別の按分も示します。価格は同梱の価格カタログ (オンデマンドの
    米ドル、各価格に出典と確認日) を使います。グラフから分からない利用量 (データ量、
    ログ、リクエスト) は団体の規模別の既定値を使い、stacks/usage.<stack>.yaml で
    上書きできます。カタログにない価格は報告し、0 として計上しません。
    組み込みの比較基準は下限〜上限の幅で示し、見出しには控えめな下限を使います
    (docs/baseline.md)。--baseline FILE または --baseline-project DIR
    --baseline-stack NAME では自団体の現行構成を比較基準にします。
    --project DIR --stack NAME では任意の Pulumi Python プロジェクトをグラフだけから
    概算します (docs/projects.md)。--compare OTHER は OTHER との差 (後 − 前) を表示します。
    終了コード: 0 完了、2 スタック・利用量ファイル・構成表・カタログの誤りまたは
    モジュール不足、4 プログラムまたは合成の失敗。
    """,
    "catalog": """テンプレートカタログ (静的サイト) を生成します.

    `gcmod new` の各テンプレートを既定の回答で一時フォルダーに作成し、各スタックを
    オフラインで合成・検査・概算します。テンプレートごとのページ (リソースグラフから
    描く構成図、ポリシー検査の結果、団体別按分つきの月額費用、設定項目と既定値) と、
    それらを比べる目次を日本語と英語で出力します。スクリプト、Web フォント、
    ネットワークは使いません。catalog.json に生成物の一覧を書きます。
    終了コード: 0 完了、2 出力先フォルダーまたはテンプレートの誤り、4 合成の失敗。
    """,
    "new": """テンプレートからプロジェクトを作成します.

    そのまま `gcmod check` を通り `gcmod estimate` で概算できる Pulumi プロジェクトを
    DEST (省略時: ./<プロジェクト名>) に書き出します: プログラム、環境ごとのスタック
    ファイル、利用量の想定、ポリシーパック、requirements.txt、CI のワークフロー
    (.github/workflows/gcmod.yml)、次の手順を書いた README。
    回答はフラグで指定し、足りない分は端末なら対話形式で尋ね、そうでなければ
    テンプレートの既定値を使います。回答に誤りがあれば何も書き出さず、--force なしに
    既存のファイルを上書きしません。
    終了コード: 0 完了、2 回答・テンプレート・出力先の誤り。
    """,
    "audit": """デプロイ済みの AWS アカウントを同じルールで監査します (読み取り専用).

    Describe/List/Get の呼び出しだけを行い、それ以外はフックが拒否します。
    指摘には是正による月額の削減額 (定価、算定方法つき) を付けます。
    終了コード: 0 完了・必須の指摘なし、1 必須の指摘あり (完了・不完全を問わない)、
    2 使い方の誤り、3 不完全 (読み取れないサービス・リージョン・アカウントがあるか、
    エンドポイントに接続できない) で必須の指摘はなし。
    """,
    "audit iam-policy": """監査用ロールの最小権限 IAM ポリシーを JSON で表示します.

    各コレクターが宣言するアクションから生成します。すべて読み取りのアクションです。
    """,
    "prices": """価格カタログ (オンデマンドの米ドル、東京・大阪).

    すべての価格に出典と確認日があります。
    """,
    "prices list": """価格を出典つきで一覧表示します。未確認の価格と、確認から1年を過ぎた価格に印を付けます.""",
    "prices refresh": """AWS Price List API からカタログを更新します (AWS の認証情報が必要).

    読み取りの呼び出し (pricing:GetProducts) だけを行います。あいまい・欠落・
    不自然 (5倍以上の差) な回答では価格を変えず、報告します。
    終了コード: 0 完了、1 一部の価格の更新に失敗、2 カタログの誤りまたは認証情報なし。
    """,
}

#: Japanese help of options, by option name; ``"command:name"`` overrides one command's.
OPTIONS_JA: dict[str, str] = {
    "help": "このヘルプを表示して終了します。",
    "_click_default_help": "このヘルプを表示して終了します。",  # click 8.2+ names it so
    "version": "バージョンを表示して終了します。",
    "stacks_dir": "Pulumi.<stack>.yaml を置いたフォルダー。既定: 現在のフォルダーにある gcmod "
    "プロジェクトの stackConfigDir、なければ gcmod 同梱のサンプル。",
    "project_dir": "Pulumi Python プロジェクト (Pulumi.yaml のあるフォルダー)。gcmod を使わずに"
    "書かれたベンダーのプログラムなどを、gcmod のスタックの代わりにオフラインで実行します。"
    "--stack が必要です。",
    "project_stack": "--project のスタック名: プロジェクトの stackConfigDir にある "
    "Pulumi.<NAME>.yaml。",
    "stack_refs_file": "--project と併用: 参照先スタック (org/project/stack) の出力値を書いた "
    "YAML/JSON ファイル。既定: プレビューと同じく、参照先の出力値は不明値。",
    "lang": "表示言語。既定: GCMOD_LANG、次にロケール (LANG=ja_JP.UTF-8 なら ja)、"
    "なければ端末は en、HTML は ja。",
    "as_json": "結果を JSON で表示します。",
    "wide": "表やテキストを端末の幅 (COLUMNS) に合わせて折り返しません。",
    "as_sarif": "SARIF 2.1.0 (コードスキャン用) で表示します。",
    "as_markdown": "結果を Markdown で表示します。",
    "config_file": "ポリシー設定の JSON (`pulumi preview --policy-pack-config` と同じ"
    "ファイル): ルールごとの適用レベルとしきい値。",
    "html_path": "自己完結した HTML レポートもこのファイルに書き出します。"
    "フォルダーは既にあるものに限ります。",
    "timeout": "--project と併用: プログラムをこの秒数で停止します (終了コード 4)。既定: 300。",
    "no_cache": "合成結果のキャッシュを使わずに合成し直します (`gcmod cache --help`)。",
    "with_estimate": "同じ合成結果から月額費用の概算も表示します (`gcmod estimate` と同じ): "
    "表は検査結果の後に、--json では {check, estimate}。",
    "jpy_rate": "1米ドルあたりの円。既定: カタログに記載した出典つきのレート。",
    "catalog_path": "価格カタログのファイル (既定: gcmod 同梱のもの)。",
    "count": "表示する起動・停止の予定の件数。",
    "from_": "この時刻より後の予定を表示します (ISO 形式。オフセットがなければ Asia/Tokyo)。"
    "既定: 現在。",
    "out_arg": "サイトの出力先フォルダー: 空、新規、または以前のカタログ (置き換えます)。",
    "catalog:langs": "生成する言語。最初の言語をサイトの最上位に、ほかを <lang>/ に置きます "
    "(既定: ja、次に en/)。",
    "catalog:force": "カタログではない、空でないフォルダーにも書き出します。",
    "list_only": "テンプレート、業務システム、規模区分を一覧表示して終了します。",
    "project": "Pulumi のプロジェクト名。既定: DEST のフォルダー名 (使える名前なら)、"
    "なければテンプレートのもの。",
    "business": "標準化対象業務 (20業務のいずれか。例: jumin-kihon-daicho。"
    "`gcmod new --list` で一覧)。既定: テンプレートのもの。",
    "size": "規模区分: `designated-city`、`core-city`、`city`、`town-village`、または `auto` "
    "(利用団体の人口の合計から)。既定: テンプレートのもの。",
    "tenants": "利用団体 (団体ごとに繰り返し指定)。例: 小樽市:012033:107000。コードは"
    "検査数字つきの6桁の全国地方公共団体コード。既定: テンプレートのサンプル団体。",
    "environments": "環境 (環境ごとに1スタック。繰り返し指定): `production`、`staging`、"
    "`development`。既定: テンプレートのもの。",
    "domain": "利用団体のホスト名を置くドメイン。既定: テンプレートのもの、なければ "
    "<NAME>.example.lg.jp。",
    "new:region": "リージョン: ap-northeast-1 または ap-northeast-3。既定: テンプレートのもの "
    "(`gcmod new --list --json` で確認できます)。",
    "new:force": "DEST に既にあるファイルを上書きします。",
    "interactive": "フラグで指定されなかった回答を尋ねます (既定: 標準入力が端末のとき) / "
    "尋ねずにテンプレートの既定値を使います。",
    "demo": "組み込みの moto 上のデモ環境を監査します (AWS には接続しません)。",
    "audit:regions": "読み取るリージョン (既定: 両方)。最初のリージョンを主リージョンとします。",
    "profile": "使用する認証情報の AWS プロファイル。",
    "endpoint_url": "すべての AWS 呼び出しを URL (プロキシ、moto_server) に送ります。既定: `botocore` "
    "の設定 (AWS_ENDPOINT_URL、AWS_ENDPOINT_URL_<SERVICE>)、なければ AWS。",
    "org_role": "AWS Organizations のすべての有効なアカウントを、各アカウントで ROLE "
    "(読み取り専用のロール。`gcmod audit iam-policy` を参照) を引き受けて監査します。",
    "concurrency": "同時に実行するコレクターの数。",
    "member": "メンバーアカウント用: organizations:ListAccounts を除きます。",
    "prices list:region": "このリージョンだけを表示します。",
    "prices refresh:regions": "更新するリージョン (既定: 両方)。",
    "dry_run": "変更内容を表示するだけで、何も書き込みません。",
    "esc_values_file": "--project と併用: スタックが読み込む Pulumi ESC 環境の値 (環境名ごとに "
    "`esc open` の出力。pulumiConfig を使います) を書いた YAML/JSON ファイル。既定: その値は"
    "不明値。",
    "waivers_file": "免除ファイル (ルール・リソース・理由・期限・承認者。docs/waivers.md)。"
    "既定: スタックファイルと同じフォルダーの gcmod-waivers.yaml (あれば)。",
    "check:baseline_file": "このベースラインファイルにない指摘だけを報告し、それだけで失敗します。",
    "audit:baseline_file": "このベースラインファイルにない指摘だけを報告し、それだけで失敗します。",
    "write_baseline_file": "現在の指摘をベースラインとして FILE に書き出し、終了コード 0 で"
    "終了します (指摘の識別: check はルールとリソースの URN、audit はルールと ARN または ID)。",
    "gcmod_source": "プロジェクトの requirements.txt が gcmod をインストールする場所: gcmod の"
    "ソースフォルダーまたはホイール、URL (`git+https://host/org/gcmod@v0.1.0`)、または要件 "
    "(`gcmod==0.1.0`)。既定: 実行中の gcmod のインストール元 (docs/projects.md)。",
    "csv_path": "明細を CSV (BOM つき UTF-8、Excel で日本語が読めます) でも書き出します。",
    "xlsx_path": "Excel ブック (概要、明細、施策、団体別按分、前提、価格の出典) も書き出します。",
    "compare_with": "OTHER (比較前) との差を表示します: gcmod のスタック、以前の `--json` の"
    "ファイル、または Pulumi プロジェクトのフォルダー (--compare-stack と併用)。",
    "compare_stack": "--compare に指定した Pulumi プロジェクトのスタック名。",
    "baseline_file": "自団体の現行システムの構成表 (YAML または CSV。例: "
    "stacks/baseline.sample-town.yaml) を比較基準にします。",
    "baseline_project": "ベンダーのリフト&シフトの Pulumi プロジェクトを比較基準にします "
    "(--baseline-stack と併用)。",
    "baseline_stack": "--baseline-project のスタック名。",
}

def command_path(ctx: click.Context) -> str:
    """``"audit iam-policy"`` for ``gcmod audit iam-policy`` (``""`` for gcmod itself)."""
    return " ".join(ctx.command_path.split()[1:])


def option_ja(path: str, param: click.Parameter) -> str | None:
    """The Japanese help of ``param`` in the command at ``path``."""
    name = param.name or ""
    return OPTIONS_JA.get(f"{path}:{name}", OPTIONS_JA.get(name))


@contextmanager
def _japanese(cmd: click.Command, ctx: click.Context) -> Iterator[None]:
    """Swap the command's and its options' help for the Japanese text while formatting."""
    path = command_path(ctx)
    saved: list[tuple[Any, str, Any]] = [(cmd, "help", cmd.help), (cmd, "short_help", None)]
    cmd.short_help = None
    if path in COMMANDS_JA:
        cmd.help = COMMANDS_JA[path]
    for param in cmd.get_params(ctx):
        text = option_ja(path, param)
        if text is not None and isinstance(param, click.Option):
            saved.append((param, "help", param.help))
            param.help = text
    try:
        yield
    finally:
        for obj, attr, value in saved:
            setattr(obj, attr, value)


def _join(lines: list[str]) -> str:
    """One paragraph from its source lines: no space where Japanese meets Japanese."""
    out = ""
    for line in (ln.strip() for ln in lines):
        if out and line and not (display_width(out[-1]) == 2 and display_width(line[0]) == 2):
            out += " "
        out += line
    return out


def _paragraphs(text: str) -> list[tuple[bool, list[str]]]:
    """Paragraphs of a help text, each (verbatim, lines); ``\\b`` marks verbatim ones."""
    out: list[tuple[bool, list[str]]] = []
    for block in text.strip("\n").split("\n\n"):
        lines = block.split("\n")
        if lines and lines[0].strip() == "\b":
            out.append((True, lines[1:]))
        else:
            out.append((False, lines))
    return out


class JapaneseHelpFormatter(click.HelpFormatter):
    """click's formatter, wrapping by display width (Japanese characters take two
    columns) and joining Japanese lines without spaces."""

    def _wrapped(self, text: str, w: int) -> list[str]:
        out: list[str] = []
        for verbatim, lines in _paragraphs(text):
            if out:
                out.append("")
            if verbatim:
                out += [ln.rstrip() for ln in lines]
            else:
                out += wrap(_join(lines), max(w, 20))
        return out

    def write_text(self, text: str) -> None:
        indent = " " * self.current_indent
        for line in self._wrapped(text, self.width - self.current_indent):
            self.write(f"{indent}{line}\n" if line else "\n")

    def write_dl(self, rows: Any, col_max: int = 30, col_spacing: int = 2) -> None:
        rows = list(rows)
        first_col = min(max((display_width(r[0]) for r in rows), default=0), col_max) + col_spacing
        pad = " " * (first_col + self.current_indent)
        for first, second in rows:
            self.write(f"{'':>{self.current_indent}}{first}")
            if not second:
                self.write("\n")
                continue
            if display_width(first) <= first_col - col_spacing:
                self.write(" " * (first_col - display_width(first)))
            else:
                self.write("\n" + pad)
            lines = self._wrapped(second, max(self.width - first_col - 2, 10)) or [""]
            self.write(f"{lines[0]}\n")
            for line in lines[1:]:
                self.write(f"{pad}{line}\n")


class _Context(click.Context):
    def make_formatter(self) -> click.HelpFormatter:
        if terminal_lang() != "ja":
            return super().make_formatter()
        return JapaneseHelpFormatter(width=self.terminal_width, max_width=self.max_content_width)


class _Localized:
    """Mixin: format help in Japanese when the language is Japanese."""

    context_class = _Context

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        if terminal_lang() != "ja":
            super().format_help(ctx, formatter)  # type: ignore[misc]
            return
        with _japanese(self, ctx):  # type: ignore[arg-type]
            super().format_help(ctx, formatter)  # type: ignore[misc]

    def get_help(self, ctx: click.Context) -> str:
        text = super().get_help(ctx)  # type: ignore[misc]
        if terminal_lang() != "ja":
            return text
        text = text.replace("Usage: ", "使い方: ", 1)
        for en, ja in (("Options", "オプション"), ("Commands", "コマンド")):
            text = text.replace(f"\n{en}:\n", f"\n{ja}:\n")
        return text.replace("[default: ", "[既定値: ").replace("[required]", "[必須]")


class LocalizedCommand(_Localized, click.Command):
    """A command whose ``--help`` follows the language."""


class LocalizedGroup(_Localized, click.Group):
    """A group whose ``--help`` (and its subcommands') follows the language."""

    command_class = LocalizedCommand
    group_class = type  # subgroups are LocalizedGroup too

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        if terminal_lang() != "ja":
            super().format_commands(ctx, formatter)
            return
        path = command_path(ctx)
        rows = []
        for name in self.list_commands(ctx):
            cmd = self.get_command(ctx, name)
            if cmd is None or cmd.hidden:
                continue
            sub = f"{path} {name}".strip()
            text = COMMANDS_JA.get(sub, cmd.get_short_help_str())
            rows.append((name, text.strip().splitlines()[0].rstrip(".")))
        if rows:
            with formatter.section("コマンド"):
                formatter.write_dl(rows)
