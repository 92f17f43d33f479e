<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>QObject</name>
    <message>
        <source>cannot create %1</source>
        <translation>无法创建 %1</translation>
    </message>
    <message>
        <source>cannot write %1</source>
        <translation>无法写入 %1</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Train an AI model of your own piano music.</source>
        <translation>用你自己的钢琴音乐训练 AI 模型。</translation>
    </message>
    <message>
        <source>Open the bundled demo dataset (built on first use).</source>
        <translation>打开随附的演示数据集（首次使用时构建）。</translation>
    </message>
    <message>
        <source>MIDI files or folders to add to the dataset.</source>
        <translation>要添加到数据集的 MIDI 文件或文件夹。</translation>
    </message>
</context>
<context>
    <name>pm::app::AboutDialog</name>
    <message>
        <source>User interface</source>
        <translation>用户界面</translation>
    </message>
    <message>
        <source>Neural network engine</source>
        <translation>神经网络引擎</translation>
    </message>
    <message>
        <source>Fast matrix arithmetic</source>
        <translation>快速矩阵运算</translation>
    </message>
    <message>
        <source>Loss plots</source>
        <translation>损失曲线</translation>
    </message>
    <message>
        <source>MIDI output</source>
        <translation>MIDI 输出</translation>
    </message>
    <message>
        <source>Built-in synthesizer</source>
        <translation>内置合成器</translation>
    </message>
    <message>
        <source>Piano sound</source>
        <translation>钢琴音色</translation>
    </message>
    <message>
        <source>Command-line parsing</source>
        <translation>命令行解析</translation>
    </message>
    <message>
        <source>JSON files</source>
        <translation>JSON 文件</translation>
    </message>
    <message>
        <source>About PianoMuse</source>
        <translation>关于 PianoMuse</translation>
    </message>
    <message>
        <source>&lt;h2&gt;PianoMuse %1&lt;/h2&gt;&lt;p&gt;Train an AI model of your own piano music.&lt;/p&gt;</source>
        <translation>&lt;h2&gt;PianoMuse %1&lt;/h2&gt;&lt;p&gt;用你自己的钢琴音乐训练 AI 模型。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Running on %1 with %2.</source>
        <translation>运行于 %1，使用 %2。</translation>
    </message>
    <message>
        <source>PianoMuse is free software under the GNU General Public License, version 3 or later. It is built on these libraries:</source>
        <translation>PianoMuse 是遵循 GNU 通用公共许可证第 3 版或更高版本的自由软件。它基于以下库构建：</translation>
    </message>
    <message>
        <source>Library</source>
        <translation>库</translation>
    </message>
    <message>
        <source>Used for</source>
        <translation>用途</translation>
    </message>
    <message>
        <source>Licence</source>
        <translation>许可证</translation>
    </message>
</context>
<context>
    <name>pm::app::DatasetPage</name>
    <message>
        <source>Dataset</source>
        <translation>数据集</translation>
    </message>
    <message>
        <source>Your music is what the model learns from. Drop MIDI files or whole folders onto this window; PianoMuse reads each file, tells you which ones it could use, and builds a dataset for training.</source>
        <translation>模型从你的音乐中学习。把 MIDI 文件或整个文件夹拖到此窗口；PianoMuse 会读取每个文件，告诉你哪些可以使用，并构建用于训练的数据集。</translation>
    </message>
    <message>
        <source>Drop .mid, .midi, .kar or .rmi files and folders here</source>
        <translation>将 .mid、.midi、.kar 或 .rmi 文件及文件夹拖放到此处</translation>
    </message>
    <message>
        <source>Add files…</source>
        <translation>添加文件…</translation>
    </message>
    <message>
        <source>Add folder…</source>
        <translation>添加文件夹…</translation>
    </message>
    <message>
        <source>Open dataset…</source>
        <translation>打开数据集…</translation>
    </message>
    <message>
        <source>Options</source>
        <translation>选项</translation>
    </message>
    <message>
        <source>Share of pieces kept aside to measure how well the model generalises</source>
        <translation>留出用于衡量模型泛化能力的乐曲比例</translation>
    </message>
    <message>
        <source>Seed:</source>
        <translation>随机种子：</translation>
    </message>
    <message>
        <source>Validation pieces:</source>
        <translation>验证乐曲：</translation>
    </message>
    <message>
        <source>to</source>
        <translation>至</translation>
    </message>
    <message>
        <source>semitones</source>
        <translation>半音</translation>
    </message>
    <message>
        <source>Transpose while training:</source>
        <translation>训练时移调：</translation>
    </message>
    <message>
        <source>Tempo stretch while training:</source>
        <translation>训练时速度伸缩：</translation>
    </message>
    <message>
        <source>Saved in:</source>
        <translation>保存位置：</translation>
    </message>
    <message>
        <source>Build dataset</source>
        <translation>构建数据集</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>No dataset yet.</source>
        <translation>尚无数据集。</translation>
    </message>
    <message>
        <source>Filter files…</source>
        <translation>筛选文件…</translation>
    </message>
    <message>
        <source>Add MIDI files or folders first.</source>
        <translation>请先添加 MIDI 文件或文件夹。</translation>
    </message>
    <message>
        <source>Adding files…</source>
        <translation>正在添加文件…</translation>
    </message>
    <message>
        <source>Reading files…</source>
        <translation>正在读取文件…</translation>
    </message>
    <message>
        <source>%1 of %2 files</source>
        <translation>%1 / %2 个文件</translation>
    </message>
    <message>
        <source>Cancelled. The dataset on disk is unchanged.</source>
        <translation>已取消。磁盘上的数据集未改变。</translation>
    </message>
    <message>
        <source>The dataset could not be built: %1</source>
        <translation>无法构建数据集：%1</translation>
    </message>
    <message>
        <source>%1 pieces (%2 for training, %3 for validation), %4 hours of music, %5 notes, %6 tokens. %7 files rejected, %8 duplicates, %9 repaired.</source>
        <translation>%1 首乐曲（%2 首用于训练，%3 首用于验证），%4 小时音乐，%5 个音符，%6 个词元。%7 个文件被拒绝，%8 个重复，%9 个已修复。</translation>
    </message>
    <message>
        <source>Add MIDI files</source>
        <translation>添加 MIDI 文件</translation>
    </message>
    <message>
        <source>MIDI files (*.mid *.midi *.kar *.rmi);;All files (*)</source>
        <translation>MIDI 文件 (*.mid *.midi *.kar *.rmi);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Add a folder of MIDI files</source>
        <translation>添加 MIDI 文件所在的文件夹</translation>
    </message>
    <message>
        <source>Open a dataset</source>
        <translation>打开数据集</translation>
    </message>
    <message>
        <source>%1 is not a PianoMuse dataset.</source>
        <translation>%1 不是 PianoMuse 数据集。</translation>
    </message>
    <message>
        <source>Try the demo</source>
        <translation>试用演示</translation>
    </message>
    <message>
        <source>No music at hand? Builds a dataset from the bundled pieces, trains a small model for a few minutes and lets it continue one of them.</source>
        <translation>手头没有音乐？用自带的乐曲构建数据集，训练一个小模型几分钟，然后让它续写其中一首。</translation>
    </message>
    <message>
        <source>Validation pieces (percent)</source>
        <translation>验证乐曲（百分比）</translation>
    </message>
    <message>
        <source>Split seed</source>
        <translation>划分的随机种子</translation>
    </message>
    <message>
        <source>Transpose from (semitones)</source>
        <translation>移调下限（半音）</translation>
    </message>
    <message>
        <source>Transpose to (semitones)</source>
        <translation>移调上限（半音）</translation>
    </message>
    <message>
        <source>Tempo stretch from</source>
        <translation>速度伸缩下限</translation>
    </message>
    <message>
        <source>Tempo stretch to</source>
        <translation>速度伸缩上限</translation>
    </message>
    <message>
        <source>Dataset folder</source>
        <translation>数据集文件夹</translation>
    </message>
    <message>
        <source>Dataset build progress</source>
        <translation>数据集构建进度</translation>
    </message>
    <message>
        <source>Dataset summary</source>
        <translation>数据集摘要</translation>
    </message>
    <message>
        <source>Filter files</source>
        <translation>筛选文件</translation>
    </message>
    <message>
        <source>Files and their status</source>
        <translation>文件及其状态</translation>
    </message>
    <message>
        <source>Preview of the selected file</source>
        <translation>所选文件的预览</translation>
    </message>
    <message>
        <source>Drop zone for MIDI files and folders</source>
        <translation>MIDI 文件和文件夹的拖放区</translation>
    </message>
    <message>
        <source>Add files</source>
        <translation>添加文件</translation>
    </message>
    <message>
        <source>Add folder</source>
        <translation>添加文件夹</translation>
    </message>
    <message>
        <source>Open dataset</source>
        <translation>打开数据集</translation>
    </message>
    <message>
        <source>Cancel the build</source>
        <translation>取消构建</translation>
    </message>
    <message>
        <source>A training run is reading this dataset; it can be rebuilt when the run ends.</source>
        <translation>一次训练运行正在读取此数据集；运行结束后即可重新构建。</translation>
    </message>
</context>
<context>
    <name>pm::app::EngineController</name>
    <message>
        <source>PianoMuse is closing.</source>
        <translation>PianoMuse 正在关闭。</translation>
    </message>
    <message>
        <source>A training run is reading %1; build into another folder or stop the run first.</source>
        <translation>一次训练运行正在读取 %1；请构建到其他文件夹，或先停止该运行。</translation>
    </message>
    <message>
        <source>Another training is already writing to %1.</source>
        <translation>另一个训练已在写入 %1。</translation>
    </message>
    <message>
        <source>The dataset %1 is being built; train when it is done.</source>
        <translation>数据集 %1 正在构建；请在构建完成后再训练。</translation>
    </message>
    <message>
        <source>The demo is already running.</source>
        <translation>演示已在运行。</translation>
    </message>
    <message>
        <source>A jam is already running; stop it first.</source>
        <translation>已有一场即兴合奏在进行；请先停止它。</translation>
    </message>
    <message>
        <source>A model report is reading %1; build into another folder or wait for the report.</source>
        <translation>模型报告正在读取 %1；请构建到其他文件夹，或等待报告完成。</translation>
    </message>
    <message>
        <source>The dataset %1 is being built; make the report when it is done.</source>
        <translation>数据集 %1 正在构建；请在构建完成后再生成报告。</translation>
    </message>
</context>
<context>
    <name>pm::app::FileReportModel</name>
    <message>
        <source>OK</source>
        <translation>正常</translation>
    </message>
    <message>
        <source>Repaired</source>
        <translation>已修复</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>已拒绝</translation>
    </message>
    <message>
        <source>Duplicate</source>
        <translation>重复</translation>
    </message>
    <message>
        <source>Validation</source>
        <translation>验证</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>时长</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>音符</translation>
    </message>
    <message>
        <source>Tokens</source>
        <translation>词元</translation>
    </message>
    <message>
        <source>Piano</source>
        <translation>钢琴</translation>
    </message>
    <message>
        <source>Split</source>
        <translation>划分</translation>
    </message>
</context>
<context>
    <name>pm::app::GeneratePage</name>
    <message>
        <source>Generate</source>
        <translation>生成</translation>
    </message>
    <message>
        <source>Give the model the opening bars of a piece and let it continue. You hear the music while it is written, see it on the piano roll, and can export what you like as a MIDI file.</source>
        <translation>给模型一首乐曲的开头几小节，让它继续创作。你可以在生成过程中聆听音乐、在钢琴卷帘上查看，并将喜欢的结果导出为 MIDI 文件。</translation>
    </message>
    <message>
        <source>Model and prompt</source>
        <translation>模型与提示</translation>
    </message>
    <message>
        <source>A trained model (.safetensors) or an RWKV-7 .pth file</source>
        <translation>训练好的模型（.safetensors）或 RWKV-7 .pth 文件</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Model:</source>
        <translation>模型：</translation>
    </message>
    <message>
        <source>Optional: a MIDI file whose opening the model continues</source>
        <translation>可选：由模型续写其开头的 MIDI 文件</translation>
    </message>
    <message>
        <source>How many bars of the prompt file to keep</source>
        <translation>保留提示文件的小节数</translation>
    </message>
    <message>
        <source>Bars:</source>
        <translation>小节：</translation>
    </message>
    <message>
        <source>Prompt:</source>
        <translation>提示：</translation>
    </message>
    <message>
        <source> BPM</source>
        <translation> BPM</translation>
    </message>
    <message>
        <source>Without a prompt:</source>
        <translation>无提示时：</translation>
    </message>
    <message>
        <source>Sampling</source>
        <translation>采样</translation>
    </message>
    <message>
        <source>bars</source>
        <translation>小节</translation>
    </message>
    <message>
        <source>seconds</source>
        <translation>秒</translation>
    </message>
    <message>
        <source>tokens</source>
        <translation>词元</translation>
    </message>
    <message>
        <source>Length:</source>
        <translation>长度：</translation>
    </message>
    <message>
        <source>Higher is more adventurous, 0 always takes the most likely note</source>
        <translation>越高越大胆，0 总是选择最可能的音符</translation>
    </message>
    <message>
        <source>Temperature:</source>
        <translation>温度：</translation>
    </message>
    <message>
        <source>off</source>
        <translation>关</translation>
    </message>
    <message>
        <source>Top-k:</source>
        <translation>Top-k：</translation>
    </message>
    <message>
        <source>Top-p:</source>
        <translation>Top-p：</translation>
    </message>
    <message>
        <source>Makes recently played pitches less likely; the effect fades with distance</source>
        <translation>降低最近弹过的音高的概率；效果随距离减弱</translation>
    </message>
    <message>
        <source>Repetition penalty:</source>
        <translation>重复惩罚：</translation>
    </message>
    <message>
        <source>New random seed</source>
        <translation>新的随机种子</translation>
    </message>
    <message>
        <source>Seed:</source>
        <translation>种子：</translation>
    </message>
    <message>
        <source>Variations:</source>
        <translation>变体数：</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Continue</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>Let the model write more of the shown variation</source>
        <translation>让模型继续写当前显示的变体</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <source>Go back to the piece before the last continuation</source>
        <translation>回到上一次续写之前的乐曲</translation>
    </message>
    <message>
        <source>Export MIDI…</source>
        <translation>导出 MIDI…</translation>
    </message>
    <message>
        <source>Play</source>
        <translation>播放</translation>
    </message>
    <message>
        <source>Stop playback</source>
        <translation>停止播放</translation>
    </message>
    <message>
        <source>Built-in piano</source>
        <translation>内置钢琴</translation>
    </message>
    <message>
        <source>Play while generating</source>
        <translation>边生成边播放</translation>
    </message>
    <message>
        <source>Zoom (leftmost: the whole piece)</source>
        <translation>缩放（最左：整首乐曲）</translation>
    </message>
    <message>
        <source>Output:</source>
        <translation>输出：</translation>
    </message>
    <message>
        <source>Zoom:</source>
        <translation>缩放：</translation>
    </message>
    <message>
        <source>Playback stopped: %1</source>
        <translation>播放已停止：%1</translation>
    </message>
    <message>
        <source>Choose a model file first.</source>
        <translation>请先选择模型文件。</translation>
    </message>
    <message>
        <source>Generating…</source>
        <translation>正在生成…</translation>
    </message>
    <message>
        <source>Continuing…</source>
        <translation>正在续写…</translation>
    </message>
    <message numerus="yes">
        <source>Generating… %n token(s)</source>
        <translation>
            <numerusform>正在生成… %n 个词元</numerusform>
        </translation>
    </message>
    <message>
        <source>Nothing to undo.</source>
        <translation>没有可撤销的内容。</translation>
    </message>
    <message>
        <source>Generation failed: %1</source>
        <translation>生成失败：%1</translation>
    </message>
    <message>
        <source>Variation %1</source>
        <translation>变体 %1</translation>
    </message>
    <message>
        <source>Back to the previous piece.</source>
        <translation>已回到上一首乐曲。</translation>
    </message>
    <message numerus="yes">
        <source>Stopped after %n token(s).</source>
        <translation>
            <numerusform>已在 %n 个词元后停止。</numerusform>
        </translation>
    </message>
    <message>
        <source>Regenerate these bars</source>
        <translation>重新生成这些小节</translation>
    </message>
    <message>
        <source>Regenerate the selected bars</source>
        <translation>重新生成所选小节</translation>
    </message>
    <message>
        <source>Select bars on the piano roll (Shift and drag), then let the model write them anew; the bars before and after stay as they are</source>
        <translation>在钢琴卷帘上选择小节（按住 Shift 拖动），然后让模型重新写出它们；前后的小节保持不变</translation>
    </message>
    <message>
        <source>Regenerate bar %1</source>
        <translation>重新生成第 %1 小节</translation>
    </message>
    <message>
        <source>Regenerate bars %1–%2</source>
        <translation>重新生成第 %1–%2 小节</translation>
    </message>
    <message>
        <source>Select the bars to regenerate first: Shift and drag on the piano roll.</source>
        <translation>请先选择要重新生成的小节：在钢琴卷帘上按住 Shift 拖动。</translation>
    </message>
    <message>
        <source>Cannot regenerate these bars: %1</source>
        <translation>无法重新生成这些小节：%1</translation>
    </message>
    <message>
        <source>Regenerating bar %1…</source>
        <translation>正在重新生成第 %1 小节…</translation>
    </message>
    <message>
        <source>Regenerating bars %1–%2…</source>
        <translation>正在重新生成第 %1–%2 小节…</translation>
    </message>
    <message>
        <source>Stopped: the bars were not regenerated.</source>
        <translation>已停止：这些小节没有重新生成。</translation>
    </message>
    <message numerus="yes">
        <source>Bars %1–%2 regenerated: %n note(s) (seed %3). Undo brings the previous version back.</source>
        <translation>
            <numerusform>已重新生成第 %1–%2 小节：%n 个音符（种子 %3）。撤销可恢复上一版本。</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 bars, %2 notes, %3 tokens at %4 tokens/s (seed %5).</source>
        <translation>%1 小节，%2 个音符，%3 个词元，速度 %4 词元/秒（种子 %5）。</translation>
    </message>
    <message>
        <source>Cannot play: %1</source>
        <translation>无法播放：%1</translation>
    </message>
    <message>
        <source>Nothing to export yet.</source>
        <translation>还没有可导出的内容。</translation>
    </message>
    <message>
        <source>Export failed: %1</source>
        <translation>导出失败：%1</translation>
    </message>
    <message>
        <source>Saved %1.</source>
        <translation>已保存 %1。</translation>
    </message>
    <message>
        <source>Export MIDI</source>
        <translation>导出 MIDI</translation>
    </message>
    <message>
        <source>MIDI files (*.mid)</source>
        <translation>MIDI 文件 (*.mid)</translation>
    </message>
    <message>
        <source>Choose a model</source>
        <translation>选择模型</translation>
    </message>
    <message>
        <source>Models (*.safetensors *.pth);;All files (*)</source>
        <translation>模型 (*.safetensors *.pth);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Choose a prompt</source>
        <translation>选择提示</translation>
    </message>
    <message>
        <source>MIDI files (*.mid *.midi);;All files (*)</source>
        <translation>MIDI 文件 (*.mid *.midi);;所有文件 (*)</translation>
    </message>
    <message>
        <source>A piece of the open dataset as the prompt. Validation pieces are music the model has not trained on.</source>
        <translation>将已打开数据集中的一首乐曲用作提示。验证集乐曲是模型未曾训练过的音乐。</translation>
    </message>
    <message>
        <source>From the dataset:</source>
        <translation>来自数据集：</translation>
    </message>
    <message>
        <source>No dataset is open</source>
        <translation>未打开数据集</translation>
    </message>
    <message>
        <source>Choose a piece…</source>
        <translation>选择乐曲…</translation>
    </message>
    <message>
        <source>%1 (validation)</source>
        <translation>%1（验证集）</translation>
    </message>
    <message>
        <source>Demo: building a dataset from the bundled pieces…</source>
        <translation>演示：正在用自带乐曲构建数据集…</translation>
    </message>
    <message>
        <source>Demo: training a small model, step %1 of at most %2 (%3)…</source>
        <translation>演示：正在训练小模型，第 %1 步，最多 %2 步（%3）…</translation>
    </message>
    <message>
        <source>Demo: the model is writing bar %1 of %2…</source>
        <translation>演示：模型正在写第 %1 小节，共 %2 小节…</translation>
    </message>
    <message>
        <source>Demo: %1 failed: %2</source>
        <translation>演示：%1 失败：%2</translation>
    </message>
    <message>
        <source>Demo: dataset ready; training starts…</source>
        <translation>演示：数据集已就绪，开始训练…</translation>
    </message>
    <message>
        <source>The demo was stopped.</source>
        <translation>演示已停止。</translation>
    </message>
    <message>
        <source>The demo failed: %1</source>
        <translation>演示失败：%1</translation>
    </message>
    <message>
        <source>Demo finished in %1 s: the model trained for %2 s. Its continuation is in orange after the prompt; press Play to listen. Saved as %3.</source>
        <translation>演示用时 %1 秒完成：模型训练了 %2 秒。提示之后的橙色音符是它的续写；按“播放”收听。已保存为 %3。</translation>
    </message>
    <message>
        <source>Model file</source>
        <translation>模型文件</translation>
    </message>
    <message>
        <source>Browse for a model</source>
        <translation>浏览模型</translation>
    </message>
    <message>
        <source>Prompt file</source>
        <translation>提示文件</translation>
    </message>
    <message>
        <source>Browse for a prompt</source>
        <translation>浏览提示</translation>
    </message>
    <message>
        <source>Prompt bars to keep</source>
        <translation>保留的提示小节数</translation>
    </message>
    <message>
        <source>Prompt from the dataset</source>
        <translation>来自数据集的提示</translation>
    </message>
    <message>
        <source>Metre without a prompt</source>
        <translation>无提示时的拍号</translation>
    </message>
    <message>
        <source>Tempo without a prompt</source>
        <translation>无提示时的速度</translation>
    </message>
    <message>
        <source>Length</source>
        <translation>长度</translation>
    </message>
    <message>
        <source>Length unit</source>
        <translation>长度单位</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>温度</translation>
    </message>
    <message>
        <source>Top-k</source>
        <translation>Top-k</translation>
    </message>
    <message>
        <source>Top-p</source>
        <translation>Top-p</translation>
    </message>
    <message>
        <source>Repetition penalty</source>
        <translation>重复惩罚</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>种子</translation>
    </message>
    <message>
        <source>Random</source>
        <translation>随机</translation>
    </message>
    <message>
        <source>Number of variations</source>
        <translation>变体数</translation>
    </message>
    <message>
        <source>Stop generating</source>
        <translation>停止生成</translation>
    </message>
    <message>
        <source>Output</source>
        <translation>输出</translation>
    </message>
    <message>
        <source>Zoom</source>
        <translation>缩放</translation>
    </message>
    <message>
        <source>Variation shown</source>
        <translation>显示的变体</translation>
    </message>
    <message>
        <source>Piano roll</source>
        <translation>钢琴卷帘</translation>
    </message>
    <message>
        <source>The prompt&apos;s notes and the model&apos;s continuation; click to choose where playback starts</source>
        <translation>提示的音符和模型的续写；点击选择从哪里开始播放</translation>
    </message>
    <message>
        <source>Generation status</source>
        <translation>生成状态</translation>
    </message>
    <message>
        <source>The model from step %1 of the training run is ready: press Generate to hear it. Training goes on meanwhile.</source>
        <translation>训练运行第 %1 步的模型已就绪：按“生成”收听。训练同时继续进行。</translation>
    </message>
    <message>
        <source>The run&apos;s model is ready: press Generate to hear it.</source>
        <translation>此次运行的模型已就绪：按“生成”收听。</translation>
    </message>
    <message>
        <source>%1 could not be opened; playing on the built-in piano.</source>
        <translation>无法打开 %1；改用内置钢琴播放。</translation>
    </message>
    <message>
        <source>The generated part</source>
        <translation>生成的部分</translation>
    </message>
    <message>
        <source>The whole piece</source>
        <translation>整首乐曲</translation>
    </message>
    <message>
        <source>Copy warning</source>
        <translation>复制警告</translation>
    </message>
    <message>
        <source>Not checked for copies of the dataset&apos;s pieces: %1</source>
        <translation>未检查是否复制了数据集中的乐曲：%1</translation>
    </message>
    <message>
        <source>This continuation copies your music: %1.</source>
        <translation>此续写复制了您的音乐：%1。</translation>
    </message>
    <message>
        <source>%1 % of its bars occur note for note in the training pieces.</source>
        <translation>其中 %1 % 的小节与训练乐曲逐音相同。</translation>
    </message>
</context>
<context>
    <name>pm::app::JamPage</name>
    <message>
        <source>no MIDI input ports: connect a MIDI keyboard (USB, or through a MIDI interface) and list the ports again, or let another program play into PianoMuse&apos;s virtual input &quot;PianoMuse in&quot;</source>
        <translation>没有 MIDI 输入端口：请连接 MIDI 键盘（USB 或经由 MIDI 接口）后重新列出端口，或让其他程序向 PianoMuse 的虚拟输入“PianoMuse in”演奏</translation>
    </message>
    <message>
        <source>Jam</source>
        <translation>即兴合奏</translation>
    </message>
    <message>
        <source>Play on your MIDI keyboard and the model answers: when you pause (or press the pedal or key you chose, or Space here), it plays a few bars in your tempo and metre. Play again and it stops at once.</source>
        <translation>在 MIDI 键盘上演奏，模型会应答：当你停下（或踩下所选的踏板、按下所选的琴键，或在此按空格键）时，它会按你的速度和拍号演奏几小节。你一开始弹奏，它就立即停下。</translation>
    </message>
    <message>
        <source>MIDI</source>
        <translation>MIDI</translation>
    </message>
    <message>
        <source>MIDI input</source>
        <translation>MIDI 输入</translation>
    </message>
    <message>
        <source>The keyboard you play (or another program&apos;s output)</source>
        <translation>你演奏的键盘（或其他程序的输出）</translation>
    </message>
    <message>
        <source>&amp;Input:</source>
        <translation>输入(&amp;I)：</translation>
    </message>
    <message>
        <source>MIDI output for the answers</source>
        <translation>应答的 MIDI 输出</translation>
    </message>
    <message>
        <source>Built-in piano</source>
        <translation>内置钢琴</translation>
    </message>
    <message>
        <source>&amp;Output:</source>
        <translation>输出(&amp;O)：</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>刷新(&amp;R)</translation>
    </message>
    <message>
        <source>List the MIDI ports again</source>
        <translation>重新列出 MIDI 端口</translation>
    </message>
    <message>
        <source>Looking for MIDI inputs…</source>
        <translation>正在查找 MIDI 输入…</translation>
    </message>
    <message>
        <source>MIDI input status</source>
        <translation>MIDI 输入状态</translation>
    </message>
    <message>
        <source>Model file</source>
        <translation>模型文件</translation>
    </message>
    <message>
        <source>A trained model (.safetensors) or an RWKV-7 .pth file</source>
        <translation>训练好的模型（.safetensors）或 RWKV-7 .pth 文件</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Browse for a model</source>
        <translation>浏览模型</translation>
    </message>
    <message>
        <source>&amp;Model:</source>
        <translation>模型(&amp;M)：</translation>
    </message>
    <message>
        <source> BPM</source>
        <translation> BPM</translation>
    </message>
    <message>
        <source>Tempo</source>
        <translation>速度</translation>
    </message>
    <message>
        <source>Your tempo: the model hears your notes on this grid and answers in it</source>
        <translation>你的速度：模型按这一网格聆听你的音符，并以它应答</translation>
    </message>
    <message>
        <source>Metre</source>
        <translation>拍号</translation>
    </message>
    <message>
        <source>M&amp;etre:</source>
        <translation>拍号(&amp;E)：</translation>
    </message>
    <message>
        <source>&amp;Tempo:</source>
        <translation>速度(&amp;T)：</translation>
    </message>
    <message>
        <source>a silence of</source>
        <translation>一段静默，长度</translation>
    </message>
    <message>
        <source>a pedal or switch (controller)</source>
        <translation>踏板或开关（控制器）</translation>
    </message>
    <message>
        <source>a key (not played as music)</source>
        <translation>一个琴键（不作为音乐演奏）</translation>
    </message>
    <message>
        <source>Hand over after</source>
        <translation>何时交给模型</translation>
    </message>
    <message>
        <source>Silence length, controller or key number</source>
        <translation>静默长度、控制器编号或琴键编号</translation>
    </message>
    <message>
        <source>&amp;Hand over after:</source>
        <translation>交给模型(&amp;H)：</translation>
    </message>
    <message>
        <source> bars</source>
        <translation> 小节</translation>
    </message>
    <message>
        <source>Bars to answer</source>
        <translation>应答的小节数</translation>
    </message>
    <message>
        <source>Seed of the first answer</source>
        <translation>第一次应答的种子</translation>
    </message>
    <message>
        <source>Each answer takes the next seed; Answer again too</source>
        <translation>每次应答使用下一个种子，“重新应答”也是如此</translation>
    </message>
    <message>
        <source>&amp;Seed:</source>
        <translation>种子(&amp;S)：</translation>
    </message>
    <message>
        <source>&amp;Answer with:</source>
        <translation>应答长度(&amp;A)：</translation>
    </message>
    <message>
        <source>Start jam</source>
        <translation>开始即兴合奏</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Stop the jam</source>
        <translation>停止即兴合奏</translation>
    </message>
    <message>
        <source>Hand over (Space)</source>
        <translation>交给模型（空格）</translation>
    </message>
    <message>
        <source>Hand over to the model</source>
        <translation>交给模型</translation>
    </message>
    <message>
        <source>The model answers now (Space in this window does the same)</source>
        <translation>模型现在应答（在此窗口中按空格键效果相同）</translation>
    </message>
    <message>
        <source>Undo answer</source>
        <translation>撤销应答</translation>
    </message>
    <message>
        <source>Undo the last answer</source>
        <translation>撤销上一次应答</translation>
    </message>
    <message>
        <source>Take the model&apos;s last answer back (before you play again)</source>
        <translation>撤回模型的上一次应答（在你再次演奏之前）</translation>
    </message>
    <message>
        <source>Answer again</source>
        <translation>重新应答</translation>
    </message>
    <message>
        <source>Answer again with another seed</source>
        <translation>用另一个种子重新应答</translation>
    </message>
    <message>
        <source>Replace the model&apos;s last answer with a new one (before you play again)</source>
        <translation>用新的应答替换模型的上一次应答（在你再次演奏之前）</translation>
    </message>
    <message>
        <source>Export jam…</source>
        <translation>导出即兴合奏…</translation>
    </message>
    <message>
        <source>Export the jam as MIDI</source>
        <translation>将即兴合奏导出为 MIDI</translation>
    </message>
    <message>
        <source>You and the model on two tracks of one MIDI file</source>
        <translation>你和模型分别位于同一个 MIDI 文件的两条音轨</translation>
    </message>
    <message>
        <source>Jam piano roll</source>
        <translation>即兴合奏钢琴卷帘</translation>
    </message>
    <message>
        <source>Your notes in green and the model&apos;s answers in orange, drawn as they sound</source>
        <translation>你的音符为绿色，模型的应答为橙色，随发声实时绘制</translation>
    </message>
    <message>
        <source>Green: you. Orange: the model.</source>
        <translation>绿色：你。橙色：模型。</translation>
    </message>
    <message>
        <source>The model&apos;s answers</source>
        <translation>模型的应答</translation>
    </message>
    <message>
        <source>The whole jam</source>
        <translation>整场即兴合奏</translation>
    </message>
    <message>
        <source>Jam status</source>
        <translation>即兴合奏状态</translation>
    </message>
    <message>
        <source>Virtual ports (PianoMuse in/out)</source>
        <translation>虚拟端口（PianoMuse in/out）</translation>
    </message>
    <message>
        <source>This build has no MIDI support, so no keyboard can be heard.</source>
        <translation>此版本不支持 MIDI，因此无法接收任何键盘。</translation>
    </message>
    <message>
        <source>No ALSA MIDI sequencer on this system (/dev/snd/seq), so no keyboard can be heard.</source>
        <translation>此系统上没有 ALSA MIDI 音序器（/dev/snd/seq），因此无法接收任何键盘。</translation>
    </message>
    <message>
        <source>No usable MIDI system was found.</source>
        <translation>未找到可用的 MIDI 系统。</translation>
    </message>
    <message>
        <source>The MIDI system reported an error: %1</source>
        <translation>MIDI 系统报告了错误：%1</translation>
    </message>
    <message>
        <source>No MIDI input</source>
        <translation>没有 MIDI 输入</translation>
    </message>
    <message>
        <source>Jam needs something to play from. %1</source>
        <translation>即兴合奏需要一个演奏来源。%1</translation>
    </message>
    <message>
        <source>Virtual ports are not available here either: %1</source>
        <translation>此处也无法使用虚拟端口：%1</translation>
    </message>
    <message>
        <source>&quot;Virtual ports&quot; makes &quot;PianoMuse in&quot; and &quot;PianoMuse out&quot; for a DAW or another program: play into the first, record the answers from the second.</source>
        <translation>“虚拟端口”会为 DAW 或其他程序创建“PianoMuse in”和“PianoMuse out”：向前者演奏，从后者录制应答。</translation>
    </message>
    <message>
        <source>Virtual port (PianoMuse out)</source>
        <translation>虚拟端口（PianoMuse out）</translation>
    </message>
    <message>
        <source> ms</source>
        <translation> 毫秒</translation>
    </message>
    <message>
        <source>CC </source>
        <translation>CC </translation>
    </message>
    <message>
        <source>key </source>
        <translation>琴键 </translation>
    </message>
    <message>
        <source>Choose a model file first.</source>
        <translation>请先选择一个模型文件。</translation>
    </message>
    <message>
        <source>Opening the ports and loading the model…</source>
        <translation>正在打开端口并加载模型…</translation>
    </message>
    <message>
        <source>Jamming: play on %1; the model answers on %2 (%3). Stop ends the jam.</source>
        <translation>即兴合奏中：在 %1 上演奏；模型在 %2 上应答（%3）。“停止”结束即兴合奏。</translation>
    </message>
    <message>
        <source>The model answers…</source>
        <translation>模型正在应答…</translation>
    </message>
    <message>
        <source>Your turn.</source>
        <translation>轮到你了。</translation>
    </message>
    <message>
        <source>The answer was taken back. Your turn.</source>
        <translation>应答已撤回。轮到你了。</translation>
    </message>
    <message>
        <source>Answering again…</source>
        <translation>正在重新应答…</translation>
    </message>
    <message>
        <source>There is no answer to take back: an answer can be undone or replaced until you play again.</source>
        <translation>没有可撤回的应答：在你再次演奏之前，应答才可以撤销或替换。</translation>
    </message>
    <message>
        <source>The MIDI input went away (%1). The jam stopped; nothing keeps sounding, and its recording is kept: Export jam… saves it.</source>
        <translation>MIDI 输入已断开（%1）。即兴合奏已停止；没有音符继续发声，录音已保留：“导出即兴合奏…”可将其保存。</translation>
    </message>
    <message>
        <source>The MIDI output stopped taking notes (%1). The jam stopped; its recording is kept: Export jam… saves it.</source>
        <translation>MIDI 输出不再接收音符（%1）。即兴合奏已停止；录音已保留：“导出即兴合奏…”可将其保存。</translation>
    </message>
    <message>
        <source>The jam was stopped.</source>
        <translation>即兴合奏已停止。</translation>
    </message>
    <message>
        <source>The jam could not start: %1</source>
        <translation>即兴合奏无法开始：%1</translation>
    </message>
    <message>
        <source>Export failed: %1</source>
        <translation>导出失败：%1</translation>
    </message>
    <message>
        <source>Saved %1 (you on track 1, the model on track 2).</source>
        <translation>已保存 %1（你在音轨 1，模型在音轨 2）。</translation>
    </message>
    <message>
        <source>Nothing to export yet: start a jam first.</source>
        <translation>尚无可导出的内容：请先开始即兴合奏。</translation>
    </message>
    <message>
        <source>Export jam</source>
        <translation>导出即兴合奏</translation>
    </message>
    <message>
        <source>MIDI files (*.mid)</source>
        <translation>MIDI 文件 (*.mid)</translation>
    </message>
    <message>
        <source>Choose a model</source>
        <translation>选择模型</translation>
    </message>
    <message>
        <source>Models (*.safetensors *.pth);;All files (*)</source>
        <translation>模型 (*.safetensors *.pth);;所有文件 (*)</translation>
    </message>
    <message numerus="yes">
        <source>The jam ended after %n answer(s); each first note came %1 ms after the handover (median). Export jam… saves it.</source>
        <translation>
            <numerusform>即兴合奏在 %n 次应答后结束；每次应答的第一个音符在交接后 %1 毫秒响起（中位数）。“导出即兴合奏…”可将其保存。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The jam ended after %n answer(s). Export jam… saves it.</source>
        <translation>
            <numerusform>即兴合奏在 %n 次应答后结束。“导出即兴合奏…”可将其保存。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>pm::app::MainWindow</name>
    <message>
        <source>PianoMuse</source>
        <translation>PianoMuse</translation>
    </message>
    <message>
        <source>Dataset</source>
        <translation>数据集</translation>
    </message>
    <message>
        <source>Train</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>Generate</source>
        <translation>生成</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Tools</source>
        <translation>工具(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>设置(&amp;S)…</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;About PianoMuse</source>
        <translation>关于 PianoMuse(&amp;A)</translation>
    </message>
    <message>
        <source>About &amp;Qt</source>
        <translation>关于 &amp;Qt</translation>
    </message>
    <message>
        <source>Device: detecting…</source>
        <translation>设备：正在检测…</translation>
    </message>
    <message>
        <source>Slow BLAS: install libopenblas0-pthread</source>
        <translation>BLAS 较慢：请安装 libopenblas0-pthread</translation>
    </message>
    <message>
        <source>Matrix products run on the reference BLAS, about 20 times slower than OpenBLAS. Training will be very slow.
%1</source>
        <translation>矩阵乘法正在使用参考 BLAS，比 OpenBLAS 慢约 20 倍。训练将非常缓慢。
%1</translation>
    </message>
    <message>
        <source>BLAS: %1</source>
        <translation>BLAS：%1</translation>
    </message>
    <message>
        <source>Device: %1</source>
        <translation>设备：%1</translation>
    </message>
    <message>
        <source> — %1 is not available</source>
        <translation> — %1 不可用</translation>
    </message>
    <message>
        <source>Device: CPU, %1 threads</source>
        <translation>设备：CPU，%1 个线程</translation>
    </message>
    <message>
        <source>Pages</source>
        <translation>页面</translation>
    </message>
    <message>
        <source>Current page</source>
        <translation>当前页面</translation>
    </message>
    <message>
        <source>Matrix library</source>
        <translation>矩阵库</translation>
    </message>
    <message>
        <source>Compute device</source>
        <translation>计算设备</translation>
    </message>
    <message>
        <source>Running jobs</source>
        <translation>正在运行的任务</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>Planning the training</source>
        <translation>规划训练</translation>
    </message>
    <message>
        <source>Demo</source>
        <translation>演示</translation>
    </message>
    <message>
        <source>Generating</source>
        <translation>生成</translation>
    </message>
    <message>
        <source>Undoing</source>
        <translation>撤销</translation>
    </message>
    <message>
        <source>Building the dataset</source>
        <translation>构建数据集</translation>
    </message>
    <message>
        <source>Opening a dataset</source>
        <translation>打开数据集</translation>
    </message>
    <message>
        <source>Reading a preview</source>
        <translation>读取预览</translation>
    </message>
    <message>
        <source>Measuring speed</source>
        <translation>测量速度</translation>
    </message>
    <message>
        <source>Looking at this computer</source>
        <translation>检测本机</translation>
    </message>
    <message>
        <source>Listing MIDI ports</source>
        <translation>列出 MIDI 端口</translation>
    </message>
    <message>
        <source>Running: %1</source>
        <translation>正在运行：%1</translation>
    </message>
    <message>
        <source>Nothing is running</source>
        <translation>没有正在运行的任务</translation>
    </message>
    <message>
        <source>Jam</source>
        <translation>即兴合奏</translation>
    </message>
    <message>
        <source>Listing MIDI inputs</source>
        <translation>正在列出 MIDI 输入</translation>
    </message>
    <message>
        <source>Jamming</source>
        <translation>即兴合奏中</translation>
    </message>
    <message>
        <source>Report</source>
        <translation>报告</translation>
    </message>
    <message>
        <source>Making a report</source>
        <translation>正在生成报告</translation>
    </message>
</context>
<context>
    <name>pm::app::PassageDragBar</name>
    <message>
        <source>The selection (Shift-drag on the roll)</source>
        <translation>选区（在卷帘上按住 Shift 拖动）</translation>
    </message>
    <message>
        <source>Passage to drag out</source>
        <translation>要拖出的段落</translation>
    </message>
    <message>
        <source>&amp;Drag out as MIDI:</source>
        <translation>拖出为 MIDI(&amp;D)：</translation>
    </message>
    <message>
        <source>Drag me</source>
        <translation>拖动我</translation>
    </message>
    <message>
        <source>Drag the passage out as a MIDI file</source>
        <translation>将段落拖出为 MIDI 文件</translation>
    </message>
    <message>
        <source>Drag this into a DAW&apos;s track or a folder: the chosen passage arrives as a .mid file. On the roll, Shift-drag selects a stretch and dragging the selection carries it out too.</source>
        <translation>将此拖入 DAW 的音轨或文件夹：所选段落会以 .mid 文件的形式出现。在卷帘上按住 Shift 拖动可选择一段，拖动选区也能将其拖出。</translation>
    </message>
</context>
<context>
    <name>pm::app::PianoRollWidget</name>
    <message>
        <source>Select a stretch of the roll first (Shift and drag).</source>
        <translation>请先在卷帘上选择一段（按住 Shift 拖动）。</translation>
    </message>
    <message>
        <source>There are no notes to drag yet.</source>
        <translation>还没有可拖动的音符。</translation>
    </message>
    <message>
        <source>PianoMuse part</source>
        <translation>PianoMuse 片段</translation>
    </message>
    <message>
        <source>PianoMuse selection</source>
        <translation>PianoMuse 选区</translation>
    </message>
    <message>
        <source>PianoMuse</source>
        <translation>PianoMuse</translation>
    </message>
</context>
<context>
    <name>pm::app::ReportCharts</name>
    <message>
        <source>Overlap with your music</source>
        <translation>与您音乐的重叠度</translation>
    </message>
    <message>
        <source>Distance from your music</source>
        <translation>与您音乐的距离</translation>
    </message>
    <message>
        <source>Share of notes</source>
        <translation>音符占比</translation>
    </message>
    <message>
        <source>Your music</source>
        <translation>您的音乐</translation>
    </message>
</context>
<context>
    <name>pm::app::ReportPage</name>
    <message>
        <source>Report</source>
        <translation>报告</translation>
    </message>
    <message>
        <source>Did fine-tuning learn your style, is the music still musical, and is the model copying your pieces? The report lets both models continue the same openings of your validation pieces and compares what they write with how your pieces really go on. It takes a few minutes of CPU time.</source>
        <translation>微调是否学会了您的风格？音乐是否仍然悦耳？模型是否在复制您的乐曲？报告让两个模型续写您验证乐曲的相同开头，并将它们写出的内容与您的乐曲实际的发展进行比较。这需要几分钟的 CPU 时间。</translation>
    </message>
    <message>
        <source>Report sections</source>
        <translation>报告各部分</translation>
    </message>
    <message>
        <source>Summary</source>
        <translation>摘要</translation>
    </message>
    <message>
        <source>Features</source>
        <translation>特征</translation>
    </message>
    <message>
        <source>Histograms</source>
        <translation>直方图</translation>
    </message>
    <message>
        <source>Continuations</source>
        <translation>续写</translation>
    </message>
    <message>
        <source>Playback stopped: %1</source>
        <translation>播放已停止：%1</translation>
    </message>
    <message>
        <source>What to compare</source>
        <translation>比较对象</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Model A</source>
        <translation>模型 A</translation>
    </message>
    <message>
        <source>The fine-tuned model (a run&apos;s model-best.safetensors)</source>
        <translation>微调后的模型（某次训练的 model-best.safetensors）</translation>
    </message>
    <message>
        <source>Model A:</source>
        <translation>模型 A：</translation>
    </message>
    <message>
        <source>Browse for model A</source>
        <translation>浏览模型 A</translation>
    </message>
    <message>
        <source>Model B</source>
        <translation>模型 B</translation>
    </message>
    <message>
        <source>Optional: a model to compare with (empty: model A alone)</source>
        <translation>可选：用于比较的模型（留空：仅模型 A）</translation>
    </message>
    <message>
        <source>Model B:</source>
        <translation>模型 B：</translation>
    </message>
    <message>
        <source>Browse for model B</source>
        <translation>浏览模型 B</translation>
    </message>
    <message>
        <source>Dataset</source>
        <translation>数据集</translation>
    </message>
    <message>
        <source>The dataset whose validation pieces the models continue</source>
        <translation>模型续写其验证乐曲的数据集</translation>
    </message>
    <message>
        <source>Dataset:</source>
        <translation>数据集：</translation>
    </message>
    <message>
        <source>Browse for a dataset</source>
        <translation>浏览数据集</translation>
    </message>
    <message>
        <source>Continuations per model</source>
        <translation>每个模型的续写数</translation>
    </message>
    <message>
        <source>More continuations measure more reliably and take longer</source>
        <translation>续写越多，测量越可靠，耗时也越长</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>随机种子</translation>
    </message>
    <message>
        <source>Chooses the openings and the sampling; both models get the same</source>
        <translation>决定开头和采样；两个模型使用相同的设置</translation>
    </message>
    <message>
        <source>Opening bars</source>
        <translation>开头小节数</translation>
    </message>
    <message>
        <source>Bars to write</source>
        <translation>续写小节数</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>温度</translation>
    </message>
    <message>
        <source>Validation windows scored</source>
        <translation>评分的验证窗口数</translation>
    </message>
    <message>
        <source>all</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>How many validation windows bits per note is measured on (fewer is faster)</source>
        <translation>在多少个验证窗口上测量每音符比特数（越少越快）</translation>
    </message>
    <message>
        <source>Continuations:</source>
        <translation>续写数：</translation>
    </message>
    <message>
        <source>Seed:</source>
        <translation>随机种子：</translation>
    </message>
    <message>
        <source>Opening bars:</source>
        <translation>开头小节数：</translation>
    </message>
    <message>
        <source>Bars to write:</source>
        <translation>续写小节数：</translation>
    </message>
    <message>
        <source>Temperature:</source>
        <translation>温度：</translation>
    </message>
    <message>
        <source>Windows scored:</source>
        <translation>评分窗口数：</translation>
    </message>
    <message>
        <source>Make the report</source>
        <translation>生成报告</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Cancel the report</source>
        <translation>取消报告</translation>
    </message>
    <message>
        <source>Save…</source>
        <translation>保存…</translation>
    </message>
    <message>
        <source>Save the report</source>
        <translation>保存报告</translation>
    </message>
    <message>
        <source>Saves the report as JSON and its charts as PNG images</source>
        <translation>将报告保存为 JSON，并将其图表保存为 PNG 图片</translation>
    </message>
    <message>
        <source>Report progress</source>
        <translation>报告进度</translation>
    </message>
    <message>
        <source>Report status</source>
        <translation>报告状态</translation>
    </message>
    <message>
        <source>Bits per note on your validation pieces (lower: the model predicts your music better)</source>
        <translation>在您验证乐曲上的每音符比特数（越低：模型对您音乐的预测越好）</translation>
    </message>
    <message>
        <source>Bits per note and copies per model</source>
        <translation>每个模型的每音符比特数和复制情况</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Bits per note</source>
        <translation>每音符比特数</translation>
    </message>
    <message>
        <source>Unigram baseline</source>
        <translation>一元基线</translation>
    </message>
    <message>
        <source>Notes scored</source>
        <translation>评分音符数</translation>
    </message>
    <message>
        <source>Continuations that copy</source>
        <translation>存在复制的续写</translation>
    </message>
    <message>
        <source>Bars found in training</source>
        <translation>训练中出现的小节</translation>
    </message>
    <message>
        <source>What a model that knows only how often each token occurs would need</source>
        <translation>仅知道每个词元出现频率的模型所需的比特数</translation>
    </message>
    <message>
        <source>Report summary</source>
        <translation>报告摘要</translation>
    </message>
    <message>
        <source>Notes on the report</source>
        <translation>报告说明</translation>
    </message>
    <message>
        <source>Overlap with your music per feature</source>
        <translation>各特征与您音乐的重叠度</translation>
    </message>
    <message>
        <source>How well each model&apos;s continuations sit among your pieces&apos; own continuations, feature by feature: 1 = as well as your pieces sit among each other, 0 = elsewhere</source>
        <translation>逐个特征衡量每个模型的续写与您乐曲本身续写的契合程度：1 = 与您的乐曲彼此之间一样契合，0 = 完全不同</translation>
    </message>
    <message>
        <source>Histogram distance from your music</source>
        <translation>与您音乐的直方图距离</translation>
    </message>
    <message>
        <source>Jensen-Shannon distance between each model&apos;s mean histogram and your music&apos;s: 0 = the same, 1 = nothing in common</source>
        <translation>每个模型的平均直方图与您音乐的平均直方图之间的 Jensen-Shannon 距离：0 = 相同，1 = 毫无共同之处</translation>
    </message>
    <message>
        <source>Features of your music and of each model&apos;s continuations</source>
        <translation>您的音乐及每个模型续写的特征</translation>
    </message>
    <message>
        <source>Histogram:</source>
        <translation>直方图：</translation>
    </message>
    <message>
        <source>Histogram shown</source>
        <translation>显示的直方图</translation>
    </message>
    <message>
        <source>Histogram of your music and of each model&apos;s continuations</source>
        <translation>您的音乐及每个模型续写的直方图</translation>
    </message>
    <message>
        <source>Continuation</source>
        <translation>续写</translation>
    </message>
    <message>
        <source>Opening from</source>
        <translation>开头来源</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Play</source>
        <translation>播放</translation>
    </message>
    <message>
        <source>Play the continuation</source>
        <translation>播放续写</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Stop playback</source>
        <translation>停止播放</translation>
    </message>
    <message>
        <source>Playback status</source>
        <translation>播放状态</translation>
    </message>
    <message>
        <source>Choose model A and a dataset first.</source>
        <translation>请先选择模型 A 和数据集。</translation>
    </message>
    <message>
        <source>Making the report…</source>
        <translation>正在生成报告…</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <source>%1: %2 of %3</source>
        <translation>%1：第 %2 / %3 项</translation>
    </message>
    <message>
        <source>The report was cancelled.</source>
        <translation>报告已取消。</translation>
    </message>
    <message>
        <source>The report failed: %1</source>
        <translation>报告失败：%1</translation>
    </message>
    <message>
        <source>Report made in %1 s.</source>
        <translation>报告已生成，用时 %1 秒。</translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation>%2 个中的 %1 个</translation>
    </message>
    <message>
        <source>%1 %</source>
        <translation>%1 %</translation>
    </message>
    <message numerus="yes">
        <source>%n opening(s) of your validation pieces (%1 in the dataset), %2 bars each, continued for %3 bars.</source>
        <translation>
            <numerusform>您验证乐曲的 %n 个开头（数据集中共 %1 首），每个 %2 小节，续写 %3 小节。</numerusform>
        </translation>
    </message>
    <message>
        <source>A predicts your music better than B, by %1 bits per note.</source>
        <translation>A 对您音乐的预测优于 B，每音符少 %1 比特。</translation>
    </message>
    <message>
        <source>A does not predict your music better than B (%1 bits per note more).</source>
        <translation>A 对您音乐的预测并不优于 B（每音符多 %1 比特）。</translation>
    </message>
    <message>
        <source>Notes:</source>
        <translation>说明：</translation>
    </message>
    <message>
        <source>Feature</source>
        <translation>特征</translation>
    </message>
    <message>
        <source>Your music</source>
        <translation>您的音乐</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1（%2）</translation>
    </message>
    <message>
        <source>%1 ± %2</source>
        <translation>%1 ± %2</translation>
    </message>
    <message>
        <source>%1 ± %2, overlap %3</source>
        <translation>%1 ± %2，重叠度 %3</translation>
    </message>
    <message>
        <source>%1 ± %2, overlap not measured</source>
        <translation>%1 ± %2，未测量重叠度</translation>
    </message>
    <message>
        <source>distance %1</source>
        <translation>距离 %1</translation>
    </message>
    <message>
        <source>distance not measured</source>
        <translation>未测量距离</translation>
    </message>
    <message>
        <source>%1, bar %2</source>
        <translation>%1，第 %2 小节</translation>
    </message>
    <message>
        <source>Your music (how the pieces go on)</source>
        <translation>您的音乐（乐曲实际的发展）</translation>
    </message>
    <message>
        <source>Opening %1</source>
        <translation>开头 %1</translation>
    </message>
    <message>
        <source>Continuation %1</source>
        <translation>续写 %1</translation>
    </message>
    <message>
        <source>Cannot play: %1</source>
        <translation>无法播放：%1</translation>
    </message>
    <message>
        <source>Playing.</source>
        <translation>正在播放。</translation>
    </message>
    <message>
        <source>Playing on the built-in piano: %1 could not be opened.</source>
        <translation>正在用内置钢琴播放：无法打开 %1。</translation>
    </message>
    <message>
        <source>Choose a continuation to play.</source>
        <translation>请选择要播放的续写。</translation>
    </message>
    <message>
        <source>There is no report to save yet.</source>
        <translation>还没有可保存的报告。</translation>
    </message>
    <message>
        <source>Cannot save the report to %1: %2</source>
        <translation>无法将报告保存到 %1：%2</translation>
    </message>
    <message>
        <source>Cannot write the chart %1.</source>
        <translation>无法写入图表 %1。</translation>
    </message>
    <message numerus="yes">
        <source>Saved the report and %n chart(s) beside %1.</source>
        <translation>
            <numerusform>已将报告及 %n 张图表保存在 %1 旁。</numerusform>
        </translation>
    </message>
    <message>
        <source>JSON files (*.json)</source>
        <translation>JSON 文件 (*.json)</translation>
    </message>
    <message>
        <source>Choose a model</source>
        <translation>选择模型</translation>
    </message>
    <message>
        <source>Models (*.safetensors *.pth);;All files (*)</source>
        <translation>模型 (*.safetensors *.pth);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Choose a dataset</source>
        <translation>选择数据集</translation>
    </message>
</context>
<context>
    <name>pm::app::ReportText</name>
    <message>
        <source>Notes per bar</source>
        <translation>每小节音符数</translation>
    </message>
    <message>
        <source>Polyphony (mean notes sounding)</source>
        <translation>复音度（平均同时发声音符数）</translation>
    </message>
    <message>
        <source>Time with ≥ 2 notes sounding</source>
        <translation>≥ 2 个音符同时发声的时间</translation>
    </message>
    <message>
        <source>Time with ≥ 3 notes sounding</source>
        <translation>≥ 3 个音符同时发声的时间</translation>
    </message>
    <message>
        <source>Mean pitch</source>
        <translation>平均音高</translation>
    </message>
    <message>
        <source>Pitch span</source>
        <translation>音域跨度</translation>
    </message>
    <message>
        <source>Pitch-class entropy</source>
        <translation>音级熵</translation>
    </message>
    <message>
        <source>Scale consistency</source>
        <translation>音阶一致性</translation>
    </message>
    <message>
        <source>Empty beats</source>
        <translation>空拍</translation>
    </message>
    <message>
        <source>Groove consistency</source>
        <translation>律动一致性</translation>
    </message>
    <message>
        <source>Pitch classes</source>
        <translation>音级</translation>
    </message>
    <message>
        <source>Note durations</source>
        <translation>音符时值</translation>
    </message>
    <message>
        <source>Inter-onset intervals</source>
        <translation>起音间隔</translation>
    </message>
    <message>
        <source>Velocities</source>
        <translation>力度</translation>
    </message>
    <message>
        <source>notes</source>
        <translation>音符</translation>
    </message>
    <message>
        <source>share</source>
        <translation>占比</translation>
    </message>
    <message>
        <source>MIDI pitch</source>
        <translation>MIDI 音高</translation>
    </message>
    <message>
        <source>semitones</source>
        <translation>半音</translation>
    </message>
    <message>
        <source>bits</source>
        <translation>比特</translation>
    </message>
    <message>
        <source>similarity</source>
        <translation>相似度</translation>
    </message>
    <message>
        <source>32nd</source>
        <translation>三十二分音符</translation>
    </message>
    <message>
        <source>16th</source>
        <translation>十六分音符</translation>
    </message>
    <message>
        <source>triplet 8th</source>
        <translation>八分三连音</translation>
    </message>
    <message>
        <source>8th</source>
        <translation>八分音符</translation>
    </message>
    <message>
        <source>dotted 8th</source>
        <translation>附点八分音符</translation>
    </message>
    <message>
        <source>quarter</source>
        <translation>四分音符</translation>
    </message>
    <message>
        <source>dotted quarter</source>
        <translation>附点四分音符</translation>
    </message>
    <message>
        <source>half</source>
        <translation>二分音符</translation>
    </message>
    <message>
        <source>dotted half</source>
        <translation>附点二分音符</translation>
    </message>
    <message>
        <source>whole</source>
        <translation>全音符</translation>
    </message>
    <message>
        <source>longer</source>
        <translation>更长</translation>
    </message>
    <message>
        <source>C</source>
        <translation>C</translation>
    </message>
    <message>
        <source>C#</source>
        <translation>#C</translation>
    </message>
    <message>
        <source>D</source>
        <translation>D</translation>
    </message>
    <message>
        <source>Eb</source>
        <translation>♭E</translation>
    </message>
    <message>
        <source>E</source>
        <translation>E</translation>
    </message>
    <message>
        <source>F</source>
        <translation>F</translation>
    </message>
    <message>
        <source>F#</source>
        <translation>#F</translation>
    </message>
    <message>
        <source>G</source>
        <translation>G</translation>
    </message>
    <message>
        <source>Ab</source>
        <translation>♭A</translation>
    </message>
    <message>
        <source>A</source>
        <translation>A</translation>
    </message>
    <message>
        <source>Bb</source>
        <translation>♭B</translation>
    </message>
    <message>
        <source>B</source>
        <translation>B</translation>
    </message>
    <message>
        <source>Reading the dataset</source>
        <translation>正在读取数据集</translation>
    </message>
    <message>
        <source>Indexing the training pieces</source>
        <translation>正在为训练乐曲建立索引</translation>
    </message>
    <message>
        <source>Scoring %1</source>
        <translation>正在评分 %1</translation>
    </message>
    <message>
        <source>Generating with %1</source>
        <translation>正在用 %1 生成</translation>
    </message>
    <message>
        <source>bar %1</source>
        <translation>第 %1 小节</translation>
    </message>
    <message>
        <source>bars %1–%2</source>
        <translation>第 %1–%2 小节</translation>
    </message>
    <message>
        <source>%1 copy %2 %3</source>
        <comment>which bars copy which file&apos;s bars</comment>
        <translation>%1 复制了 %2 的%3</translation>
    </message>
    <message>
        <source>%1, transposed %2</source>
        <comment>a copied passage, transposed by N semitones</comment>
        <translation>%1，移调 %2</translation>
    </message>
</context>
<context>
    <name>pm::app::SampleListWidget</name>
    <message>
        <source>Samples</source>
        <translation>样例</translation>
    </message>
    <message>
        <source>Play</source>
        <translation>播放</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Playback stopped: %1</source>
        <translation>播放已停止：%1</translation>
    </message>
    <message>
        <source>Step %1 — %2</source>
        <translation>第 %1 步 — %2</translation>
    </message>
    <message>
        <source>copies a training piece</source>
        <translation>抄袭了一首训练曲目</translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>无法读取 %1：%2</translation>
    </message>
    <message>
        <source>Cannot play: %1</source>
        <translation>无法播放：%1</translation>
    </message>
    <message>
        <source>Playing %1</source>
        <translation>正在播放 %1</translation>
    </message>
    <message>
        <source>Samples written at checkpoints</source>
        <translation>在检查点写入的样例</translation>
    </message>
    <message>
        <source>Play the sample</source>
        <translation>播放样例</translation>
    </message>
    <message>
        <source>Stop the sample</source>
        <translation>停止样例</translation>
    </message>
    <message>
        <source>Sample playback status</source>
        <translation>样例播放状态</translation>
    </message>
    <message>
        <source>Playing %1 on the built-in piano: %2 could not be opened.</source>
        <translation>正在用内置钢琴播放 %1：无法打开 %2。</translation>
    </message>
</context>
<context>
    <name>pm::app::SettingsDialog</name>
    <message>
        <source>No MIDI outputs found; the built-in synthesizer will play.</source>
        <translation>未找到 MIDI 输出；将使用内置合成器播放。</translation>
    </message>
    <message>
        <source>This build has no MIDI output support; the built-in synthesizer will play.</source>
        <translation>此版本不支持 MIDI 输出；将使用内置合成器播放。</translation>
    </message>
    <message>
        <source>No ALSA MIDI sequencer on this system (/dev/snd/seq); the built-in synthesizer will play.</source>
        <translation>此系统上没有 ALSA MIDI 音序器（/dev/snd/seq）；将使用内置合成器播放。</translation>
    </message>
    <message>
        <source>No usable MIDI system was found; the built-in synthesizer will play.</source>
        <translation>未找到可用的 MIDI 系统；将使用内置合成器播放。</translation>
    </message>
    <message>
        <source>The MIDI system reported an error: %1</source>
        <translation>MIDI 系统报告错误：%1</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>System language</source>
        <translation>系统语言</translation>
    </message>
    <message>
        <source>A new language takes effect when PianoMuse restarts.</source>
        <translation>新语言将在 PianoMuse 重新启动后生效。</translation>
    </message>
    <message>
        <source>Automatic (GPU when available)</source>
        <translation>自动（如有 GPU 则使用 GPU）</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>%1 (not available)</source>
        <translation>%1（不可用）</translation>
    </message>
    <message>
        <source>Built-in synthesizer</source>
        <translation>内置合成器</translation>
    </message>
    <message>
        <source>Looking for MIDI outputs…</source>
        <translation>正在查找 MIDI 输出…</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Language:</source>
        <translation>语言：</translation>
    </message>
    <message>
        <source>Compute device:</source>
        <translation>计算设备：</translation>
    </message>
    <message>
        <source>MIDI output:</source>
        <translation>MIDI 输出：</translation>
    </message>
    <message>
        <source>Data folder:</source>
        <translation>数据文件夹：</translation>
    </message>
    <message>
        <source>%1 (not connected)</source>
        <translation>%1（未连接）</translation>
    </message>
    <message>
        <source>Choose the data folder</source>
        <translation>选择数据文件夹</translation>
    </message>
    <message>
        <source>Data folder</source>
        <translation>数据文件夹</translation>
    </message>
    <message>
        <source>Browse for a data folder</source>
        <translation>选择数据文件夹</translation>
    </message>
</context>
<context>
    <name>pm::app::TrainPage</name>
    <message>
        <source>Train</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>Teach the model your style. Training shows its progress live: the loss falls as the model learns to predict your music, and the validation curve tells you when it stops improving.</source>
        <translation>让模型学习你的风格。训练进度实时显示：随着模型学会预测你的音乐，损失逐渐下降；验证曲线则告诉你何时不再改进。</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>步数</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>Validation</source>
        <translation>验证</translation>
    </message>
    <message>
        <source>No dataset yet: build or open one on the Dataset page.</source>
        <translation>还没有数据集：请在“数据集”页面创建或打开一个。</translation>
    </message>
    <message>
        <source>Dataset:</source>
        <translation>数据集：</translation>
    </message>
    <message>
        <source>New model</source>
        <translation>新模型</translation>
    </message>
    <message>
        <source>Fine-tune a model file</source>
        <translation>微调模型文件</translation>
    </message>
    <message>
        <source>Model file (.safetensors or .pth)</source>
        <translation>模型文件（.safetensors 或 .pth）</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Model:</source>
        <translation>模型：</translation>
    </message>
    <message>
        <source>DeepEmbed (RWKV-8 &quot;Heron&quot;)</source>
        <translation>DeepEmbed（RWKV-8 &quot;Heron&quot;）</translation>
    </message>
    <message>
        <source>New model size:</source>
        <translation>新模型大小：</translation>
    </message>
    <message>
        <source>Full fine-tuning</source>
        <translation>完整微调</translation>
    </message>
    <message>
        <source>LoRA (small adapters, merged on export)</source>
        <translation>LoRA（小型适配器，导出时合并）</translation>
    </message>
    <message>
        <source>State tuning (tiny artefact)</source>
        <translation>状态微调（极小的产物）</translation>
    </message>
    <message>
        <source>Method:</source>
        <translation>方法：</translation>
    </message>
    <message>
        <source>Steps:</source>
        <translation>步数：</translation>
    </message>
    <message>
        <source>Learning rate:</source>
        <translation>学习率：</translation>
    </message>
    <message>
        <source>Run folder (empty: a new one in the data folder)</source>
        <translation>运行文件夹（留空：在数据文件夹中新建）</translation>
    </message>
    <message>
        <source>Run folder:</source>
        <translation>运行文件夹：</translation>
    </message>
    <message>
        <source>Advanced</source>
        <translation>高级</translation>
    </message>
    <message>
        <source>Batch size:</source>
        <translation>批大小：</translation>
    </message>
    <message>
        <source>Context length (tokens):</source>
        <translation>上下文长度（词元）：</translation>
    </message>
    <message>
        <source>Validate every (steps):</source>
        <translation>每隔多少步验证：</translation>
    </message>
    <message>
        <source>LoRA rank:</source>
        <translation>LoRA 秩：</translation>
    </message>
    <message>
        <source>Seed:</source>
        <translation>随机种子：</translation>
    </message>
    <message>
        <source>Loss on continuations only</source>
        <translation>仅对续写部分计算损失</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>开始</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Resume a run…</source>
        <translation>继续一次运行…</translation>
    </message>
    <message>
        <source>Open a run…</source>
        <translation>打开一次运行…</translation>
    </message>
    <message>
        <source>Loss (nats per token)</source>
        <translation>损失（每词元 nat）</translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>Training (smoothed)</source>
        <translation>训练（平滑）</translation>
    </message>
    <message>
        <source>Model to fine-tune</source>
        <translation>要微调的模型</translation>
    </message>
    <message>
        <source>Models (*.safetensors *.pth)</source>
        <translation>模型 (*.safetensors *.pth)</translation>
    </message>
    <message>
        <source>Run folder to resume</source>
        <translation>要继续的运行文件夹</translation>
    </message>
    <message>
        <source>Run folder</source>
        <translation>运行文件夹</translation>
    </message>
    <message>
        <source>Choose a dataset first (Dataset page).</source>
        <translation>请先选择数据集（“数据集”页面）。</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>Paused.</source>
        <translation>已暂停。</translation>
    </message>
    <message>
        <source>Resumed.</source>
        <translation>已继续。</translation>
    </message>
    <message>
        <source>Stopping after the current step (a checkpoint is written)…</source>
        <translation>当前步骤完成后停止（将写入检查点）…</translation>
    </message>
    <message>
        <source>Training: %1</source>
        <translation>训练：%1</translation>
    </message>
    <message>
        <source>Resumed at step %1 from %2</source>
        <translation>已从 %2 在第 %1 步继续</translation>
    </message>
    <message>
        <source>Step %1 of %2 · loss %3 · %4 tokens/s · elapsed %5 · ETA %6</source>
        <translation>第 %1/%2 步 · 损失 %3 · %4 词元/秒 · 已用 %5 · 预计剩余 %6</translation>
    </message>
    <message>
        <source>Step %1: validation loss %2, %3 bits/note%4</source>
        <translation>第 %1 步：验证损失 %2，%3 比特/音符%4</translation>
    </message>
    <message>
        <source> (best so far)</source>
        <translation>（目前最佳）</translation>
    </message>
    <message>
        <source>Checkpoint written: %1</source>
        <translation>已写入检查点：%1</translation>
    </message>
    <message>
        <source>Sample: %1</source>
        <translation>样例：%1</translation>
    </message>
    <message>
        <source>Warning: this sample copies a training piece (%1)</source>
        <translation>警告：此样例抄袭了一首训练曲目（%1）</translation>
    </message>
    <message>
        <source>Warning: %1</source>
        <translation>警告：%1</translation>
    </message>
    <message>
        <source>Model saved: %1</source>
        <translation>模型已保存：%1</translation>
    </message>
    <message>
        <source>Stopped at step %1.</source>
        <translation>已在第 %1 步停止。</translation>
    </message>
    <message>
        <source>Finished at step %1.</source>
        <translation>已在第 %1 步完成。</translation>
    </message>
    <message>
        <source>Training failed: %1</source>
        <translation>训练失败：%1</translation>
    </message>
    <message>
        <source>Opened run %1 (%2 steps).</source>
        <translation>已打开运行 %1（%2 步）。</translation>
    </message>
    <message>
        <source>Fine-tune the PianoMuse base model</source>
        <translation>微调 PianoMuse 基础模型</translation>
    </message>
    <message>
        <source>Dataset</source>
        <translation>数据集</translation>
    </message>
    <message>
        <source>Model to start from</source>
        <translation>起始模型</translation>
    </message>
    <message>
        <source>Model file to fine-tune</source>
        <translation>要微调的模型文件</translation>
    </message>
    <message>
        <source>Browse for a model file to fine-tune</source>
        <translation>浏览要微调的模型文件</translation>
    </message>
    <message>
        <source>New model size</source>
        <translation>新模型大小</translation>
    </message>
    <message>
        <source>Training plan</source>
        <translation>训练计划</translation>
    </message>
    <message>
        <source>Plan:</source>
        <translation>计划：</translation>
    </message>
    <message>
        <source>Planned from the data and this computer</source>
        <translation>根据数据和本机性能规划</translation>
    </message>
    <message>
        <source>A number of steps</source>
        <translation>指定步数</translation>
    </message>
    <message>
        <source>A number of passes over the data</source>
        <translation>指定遍历数据的轮数</translation>
    </message>
    <message>
        <source>Length:</source>
        <translation>长度：</translation>
    </message>
    <message>
        <source>Passes:</source>
        <translation>轮数：</translation>
    </message>
    <message>
        <source>default</source>
        <translation>默认</translation>
    </message>
    <message>
        <source>Stop early after this many validations without improvement (the best model is kept); 0 = never. Default: %1 for a planned run.</source>
        <translation>连续这么多次验证没有改进就提前停止（保留最佳模型）；0 = 从不。计划运行的默认值：%1。</translation>
    </message>
    <message>
        <source>Stop early after (validations):</source>
        <translation>多少次验证无改进后提前停止：</translation>
    </message>
    <message>
        <source>planned</source>
        <translation>按计划</translation>
    </message>
    <message>
        <source>Start training</source>
        <translation>开始训练</translation>
    </message>
    <message>
        <source>Pause training</source>
        <translation>暂停训练</translation>
    </message>
    <message>
        <source>Stop training</source>
        <translation>停止训练</translation>
    </message>
    <message>
        <source>Try the current model</source>
        <translation>试用当前模型</translation>
    </message>
    <message>
        <source>Opens Generate with the newest model of this run; training goes on</source>
        <translation>用此次运行的最新模型打开“生成”页面；训练继续进行</translation>
    </message>
    <message>
        <source>Resume a run</source>
        <translation>继续一次运行</translation>
    </message>
    <message>
        <source>Open a run</source>
        <translation>打开一次运行</translation>
    </message>
    <message>
        <source>Training progress</source>
        <translation>训练进度</translation>
    </message>
    <message>
        <source>Training status</source>
        <translation>训练状态</translation>
    </message>
    <message>
        <source>Loss curves</source>
        <translation>损失曲线</translation>
    </message>
    <message>
        <source>Training loss, smoothed training loss and validation loss per step, with the learning rate</source>
        <translation>每一步的训练损失、平滑后的训练损失和验证损失，以及学习率</translation>
    </message>
    <message>
        <source>Training log</source>
        <translation>训练日志</translation>
    </message>
    <message>
        <source>Measuring this computer&apos;s speed…</source>
        <translation>正在测量本机速度…</translation>
    </message>
    <message numerus="yes">
        <source>%n step(s), as set under Advanced.</source>
        <translation>
            <numerusform>%n 步，按“高级”中的设置。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n pass(es) over the data, as set under Advanced.</source>
        <translation>
            <numerusform>遍历数据 %n 轮，按“高级”中的设置。</numerusform>
        </translation>
    </message>
    <message>
        <source>default (%1)</source>
        <translation>默认（%1）</translation>
    </message>
    <message numerus="yes">
        <source>about %n minute(s) on this computer</source>
        <translation>
            <numerusform>在本机上约需 %n 分钟</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 passes over %2 tokens</source>
        <translation>%2 个词元遍历 %1 轮</translation>
    </message>
    <message>
        <source>%1 % of one pass over %2 tokens</source>
        <translation>%2 个词元遍历一轮的 %1%</translation>
    </message>
    <message numerus="yes">
        <source>%1: %2 (%n step(s))</source>
        <translation>
            <numerusform>%1：%2（%n 步）</numerusform>
        </translation>
    </message>
    <message>
        <source>, stops early when validation stops improving</source>
        <translation>，验证不再改进时提前停止</translation>
    </message>
    <message>
        <source>; shortened to fit the time budget</source>
        <translation>；已缩短以适应时间预算</translation>
    </message>
    <message>
        <source>No plan: %1</source>
        <translation>无法制定计划：%1</translation>
    </message>
    <message>
        <source>Measured: %1 tokens/s on %2</source>
        <translation>实测：%2 上 %1 词元/秒</translation>
    </message>
    <message>
        <source>Resume training</source>
        <translation>继续训练</translation>
    </message>
    <message>
        <source>Saving the current model for you to try (training goes on)…</source>
        <translation>正在保存当前模型供你试用（训练继续进行）…</translation>
    </message>
    <message>
        <source>This run has no model yet.</source>
        <translation>此次运行还没有模型。</translation>
    </message>
    <message>
        <source>Plan: %1</source>
        <translation>计划：%1</translation>
    </message>
    <message>
        <source>Step %1: the current model is saved as %2</source>
        <translation>第 %1 步：当前模型已保存为 %2</translation>
    </message>
    <message>
        <source>Stopped early at step %1: validation stopped improving. The best model (step %2) is kept as model-best.safetensors.</source>
        <translation>已在第 %1 步提前停止：验证不再改进。最佳模型（第 %2 步）保留为 model-best.safetensors。</translation>
    </message>
    <message>
        <source>Another training is writing to this run folder</source>
        <translation>另一个训练正在写入此运行文件夹</translation>
    </message>
    <message>
        <source>%1.</source>
        <comment>sentence end</comment>
        <extracomment>The end of the plan sentence (a full stop in the language&apos;s own script).</extracomment>
        <translation>%1。</translation>
    </message>
    <message>
        <source>Training processes</source>
        <translation>训练进程数</translation>
    </message>
    <message>
        <source>Train in this many processes, one per CUDA device (pianomuse-cli train --nproc). Each process trains a batch of the size set under Advanced, so N processes train N batches per step. Such a run cannot be paused; Stop writes a checkpoint.</source>
        <translation>用这么多进程训练，每个 CUDA 设备一个（pianomuse-cli train --nproc）。每个进程训练一个在“高级”中设定大小的批次，因此 N 个进程每步训练 N 个批次。这样的运行无法暂停；“停止”会写入检查点。</translation>
    </message>
    <message>
        <source>Processes:</source>
        <translation>进程数：</translation>
    </message>
    <message>
        <source>Shows a run folder&apos;s curves and follows it while another process (pianomuse-cli, a distributed run) is still writing it</source>
        <translation>显示运行文件夹的曲线，并在另一个进程（pianomuse-cli、分布式运行）仍在写入时持续跟踪</translation>
    </message>
    <message>
        <source>Followed run</source>
        <translation>跟踪的运行</translation>
    </message>
    <message>
        <source>The training processes did not stop in time and were ended; the last checkpoint is kept.</source>
        <translation>训练进程未能及时停止，已被结束；最后一个检查点保留。</translation>
    </message>
    <message>
        <source>Step %1 · loss %2 · %3 tokens/s · elapsed %4</source>
        <translation>第 %1 步 · 损失 %2 · %3 词元/秒 · 已用 %4</translation>
    </message>
    <message>
        <source>The run ended: %1</source>
        <translation>运行已结束：%1</translation>
    </message>
    <message>
        <source>%1 was replaced; reading it again from the start.</source>
        <translation>%1 已被替换；从头重新读取。</translation>
    </message>
    <message numerus="yes">
        <source>Skipped %n line(s) of %1 that are not metrics records.</source>
        <translation>
            <numerusform>已跳过 %1 中 %n 行非指标记录。</numerusform>
        </translation>
    </message>
    <message>
        <source>A run of this page is training: stop it before following another run.</source>
        <translation>本页正在训练：请先停止，再跟踪另一个运行。</translation>
    </message>
    <message>
        <source>No metrics.jsonl in %1 yet: waiting for it.</source>
        <translation>%1 中还没有 metrics.jsonl：正在等待。</translation>
    </message>
    <message numerus="yes">
        <source>%1 is trained by %n worker process(es) (pianomuse-cli): Pause is not available; Stop asks them to stop after a checkpoint.</source>
        <translation>
            <numerusform>%1 由 %n 个工作进程训练（pianomuse-cli）：无法暂停；“停止”会让它们在写入检查点后停止。</numerusform>
        </translation>
    </message>
    <message>
        <source>Waiting for %1 to appear…</source>
        <translation>等待 %1 出现…</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <source>stopped early</source>
        <translation>提前停止</translation>
    </message>
    <message>
        <source>time limit reached</source>
        <translation>已达时间上限</translation>
    </message>
    <message>
        <source>finished</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>%1 (written by another process) has ended: %2.</source>
        <translation>%1（由另一个进程写入）已结束：%2。</translation>
    </message>
    <message>
        <source>Following %1 (written by another process): nothing written for %2.</source>
        <translation>正在跟踪 %1（由另一个进程写入）：已有 %2 没有写入。</translation>
    </message>
    <message>
        <source>Following %1 (written by another process): Start, Pause and Stop do not act on it.</source>
        <translation>正在跟踪 %1（由另一个进程写入）：开始、暂停和停止对它无效。</translation>
    </message>
    <message numerus="yes">
        <source>Training in %n processes needs pianomuse-cli, which was not found (looked for %1). Install it with PianoMuse, or set Processes to 1.</source>
        <translation>
            <numerusform>用 %n 个进程训练需要 pianomuse-cli，但未找到（查找位置：%1）。请随 PianoMuse 一起安装，或将进程数设为 1。</numerusform>
        </translation>
    </message>
    <message>
        <source>Cannot start the training processes: %1</source>
        <translation>无法启动训练进程：%1</translation>
    </message>
    <message numerus="yes">
        <source>Starting %n training process(es): %1 %2</source>
        <translation>
            <numerusform>正在启动 %n 个训练进程：%1 %2</numerusform>
        </translation>
    </message>
    <message>
        <source>Stopping the training processes after the current step (a checkpoint is written)…</source>
        <translation>训练进程将在当前步骤后停止（会写入检查点）…</translation>
    </message>
    <message>
        <source>The training processes have ended.</source>
        <translation>训练进程已结束。</translation>
    </message>
    <message>
        <source>pianomuse-cli ended with exit code %1: %2</source>
        <translation>pianomuse-cli 以退出码 %1 结束：%2</translation>
    </message>
    <message>
        <source>pianomuse-cli did not finish: it could not start or was ended.</source>
        <translation>pianomuse-cli 未完成：无法启动或已被结束。</translation>
    </message>
    <message>
        <source>pianomuse-cli did not finish: %1</source>
        <translation>pianomuse-cli 未完成：%1</translation>
    </message>
    <message>
        <source>Another process is writing to this run folder: choose another one</source>
        <translation>另一个进程正在写入此运行文件夹：请选择其他文件夹</translation>
    </message>
    <message>
        <source>A run in several processes cannot be paused: Stop writes a checkpoint and &quot;Resume a run…&quot; continues it</source>
        <translation>多进程训练无法暂停：“停止”会写入检查点，“继续一次运行…”可接着训练</translation>
    </message>
    <message>
        <source>This run is written by another process; Pause does not act on it</source>
        <translation>此运行由另一个进程写入；暂停对它无效</translation>
    </message>
    <message>
        <source>This run is written by another process; stop it there (Ctrl-C)</source>
        <translation>此运行由另一个进程写入；请在那里停止它（Ctrl-C）</translation>
    </message>
    <message>
        <source>Report…</source>
        <translation>报告…</translation>
    </message>
    <message>
        <source>Make a report on this run&apos;s model</source>
        <translation>为本次训练的模型生成报告</translation>
    </message>
    <message>
        <source>Compares this run&apos;s model with the base model on your validation pieces: what it learned, how its music differs, whether it copies your pieces</source>
        <translation>在您的验证乐曲上将本次训练的模型与基础模型进行比较：它学到了什么、它的音乐有何不同、是否复制了您的乐曲</translation>
    </message>
    <message>
        <source>Report after each run</source>
        <translation>每次训练后生成报告</translation>
    </message>
    <message>
        <source>Make a report after each run</source>
        <translation>每次训练后生成报告</translation>
    </message>
    <message>
        <source>When a run ends well, make its report at once. It takes a few minutes of CPU time, so it is off unless you turn it on.</source>
        <translation>训练成功结束后立即生成报告。这需要几分钟的 CPU 时间，因此默认关闭，需您手动开启。</translation>
    </message>
    <message>
        <source>This run has no model to report on yet.</source>
        <translation>本次训练还没有可供报告的模型。</translation>
    </message>
    <message>
        <source>Making the report on %1 (Report page)…</source>
        <translation>正在为 %1 生成报告（报告页面）…</translation>
    </message>
</context>
</TS>
