<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AppMenus</name>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>Go to &amp;prompt</source>
        <translation>转到提示词(&amp;P)</translation>
    </message>
    <message>
        <source>Go to &amp;jobs</source>
        <translation>转到任务(&amp;J)</translation>
    </message>
    <message>
        <source>Go to &amp;gallery</source>
        <translation>转到图库(&amp;G)</translation>
    </message>
    <message>
        <source>&amp;Theme</source>
        <translation>主题(&amp;T)</translation>
    </message>
    <message>
        <source>Follow the &amp;system</source>
        <translation>跟随系统(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Light</source>
        <translation>浅色(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Dark</source>
        <translation>深色(&amp;D)</translation>
    </message>
    <message>
        <source>Presets</source>
        <translation>预设</translation>
    </message>
    <message>
        <source>&amp;Presets</source>
        <translation>预设(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Choose a preset</source>
        <translation>选择预设(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Manage presets…</source>
        <translation>管理预设(&amp;M)…</translation>
    </message>
    <message>
        <source>&amp;Save prompt as preset…</source>
        <translation>将提示词存为预设(&amp;S)…</translation>
    </message>
    <message>
        <source>&amp;Keyboard shortcuts</source>
        <translation>键盘快捷键(&amp;K)</translation>
    </message>
    <message>
        <source>&amp;Getting started…</source>
        <translation>入门向导(&amp;G)…</translation>
    </message>
    <message>
        <source>Mask painter</source>
        <translation>蒙版绘制</translation>
    </message>
</context>
<context>
    <name>AppearanceBox</name>
    <message>
        <source>Appearance</source>
        <translation>外观</translation>
    </message>
    <message>
        <source>Interface language</source>
        <translation>界面语言</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>系统默认</translation>
    </message>
    <message>
        <source>Theme</source>
        <translation>主题</translation>
    </message>
    <message>
        <source>Follow the system</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>浅色</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>深色</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>语言(&amp;L)：</translation>
    </message>
    <message>
        <source>&amp;Theme:</source>
        <translation>主题(&amp;T)：</translation>
    </message>
    <message>
        <source>The new language is used from the next start.</source>
        <translation>新语言将在下次启动时生效。</translation>
    </message>
</context>
<context>
    <name>BudgetBox</name>
    <message>
        <source>This month&apos;s spend (%1) reached your budget of %2. Send this request anyway?</source>
        <translation>本月支出（%1）已达到预算 %2。仍要发送这个请求吗？</translation>
    </message>
    <message>
        <source>This request (about %3) would take this month&apos;s spend (%1) over your budget of %2. Send it?</source>
        <translation>本次请求（约 %3）会使本月支出（%1）超出预算 %2。仍要发送吗？</translation>
    </message>
    <message>
        <source>Budget reached</source>
        <translation>已达到预算</translation>
    </message>
    <message>
        <source>This request is estimated at %1, above the %2 you asked to confirm. Send it?</source>
        <translation>此请求预计花费 %1，高于你设定需要确认的 %2。仍要发送吗？</translation>
    </message>
    <message>
        <source>Confirm the cost</source>
        <translation>确认费用</translation>
    </message>
    <message>
        <source>Budget</source>
        <translation>预算</translation>
    </message>
    <message>
        <source>Monthly budget in US dollars</source>
        <translation>每月预算（美元）</translation>
    </message>
    <message>
        <source>no budget</source>
        <translation>不设预算</translation>
    </message>
    <message>
        <source>Warns at 80 %, blocks paid requests at 100 % (you can allow one anyway)</source>
        <translation>达到 80 % 时提醒，达到 100 % 时阻止付费请求（可以单次仍然发送）</translation>
    </message>
    <message>
        <source>Ask before sending a request estimated above, in US dollars</source>
        <translation>请求的预估费用高于此金额（美元）时先询问</translation>
    </message>
    <message>
        <source>never ask</source>
        <translation>从不询问</translation>
    </message>
    <message>
        <source>Generate asks first when a request&apos;s estimated cost is above this</source>
        <translation>请求的预估费用高于此金额时，生成前先询问</translation>
    </message>
    <message>
        <source>&amp;Monthly budget</source>
        <translation>每月预算(&amp;M)</translation>
    </message>
    <message>
        <source>&amp;Ask above</source>
        <translation>超过此金额时询问(&amp;A)</translation>
    </message>
    <message>
        <source>Spent this month: %1</source>
        <translation>本月已花费：%1</translation>
    </message>
    <message>
        <source>budget reached: paid requests ask first</source>
        <translation>已达到预算：付费请求会先询问</translation>
    </message>
    <message>
        <source>over 80 % of the budget</source>
        <translation>已超过预算的 80 %</translation>
    </message>
</context>
<context>
    <name>CompareWindow</name>
    <message>
        <source>Compare</source>
        <translation>对比</translation>
    </message>
    <message>
        <source>Loading…</source>
        <extracomment>what differs between the images&apos; prompts (two lineage steps), above them; hidden when empty</extracomment>
        <translation>正在加载…</translation>
    </message>
    <message>
        <source>Not in the library.</source>
        <translation>不在图库中。</translation>
    </message>
    <message>
        <source>Zoom in</source>
        <translation>放大</translation>
    </message>
    <message>
        <source>Zoom out</source>
        <translation>缩小</translation>
    </message>
    <message>
        <source>Zoom to fit</source>
        <translation>缩放以适应窗口</translation>
    </message>
    <message>
        <source>Actual size</source>
        <translation>实际大小</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
</context>
<context>
    <name>CoreMessages</name>
    <message>
        <source>Size must be &apos;auto&apos; or WIDTHxHEIGHT, not %1.</source>
        <extracomment>Formats that exist only as account previews (the server answers 403 without access).</extracomment>
        <translation>尺寸必须是“auto”或 宽x高，而不是 %1。</translation>
    </message>
    <message>
        <source>Both sides must be multiples of %1 (%2 is not).</source>
        <translation>两边都必须是 %1 的倍数（%2 不是）。</translation>
    </message>
    <message>
        <source>The aspect ratio of %1 is wider than %2:1.</source>
        <translation>%1 的宽高比超过了 %2:1。</translation>
    </message>
    <message>
        <source>%1 is larger than %2 allows (longest edge %3, at most %4 pixels).</source>
        <translation>%1 超出了 %2 的上限（最长边 %3，最多 %4 像素）。</translation>
    </message>
    <message>
        <source>%1 has fewer than %2 pixels.</source>
        <translation>%1 少于 %2 像素。</translation>
    </message>
    <message>
        <source>The model %1 was shut down on %2; choose one of: %3.</source>
        <extracomment>&quot;gif&quot;/&quot;svg&quot; -&gt; their rules; only models listed here may have preview access at all. The day the table was read for: models shut down by then are retired (from the injected clock). Models the table knows but the server did not list at the last &quot;Refresh models&quot;.</extracomment>
        <translation>模型 %1 已于 %2 停用；请从以下模型中选择：%3。</translation>
    </message>
    <message>
        <source>The server does not offer %1; choose one of: %2.</source>
        <translation>服务器不提供 %1；请从以下模型中选择：%2。</translation>
    </message>
    <message>
        <source>Unknown model %1; choose one of: %2.</source>
        <translation>未知模型 %1；请从以下模型中选择：%2。</translation>
    </message>
    <message>
        <source>Write a prompt first.</source>
        <translation>请先输入提示词。</translation>
    </message>
    <message>
        <source>The prompt is longer than %1 characters.</source>
        <translation>提示词超过了 %1 个字符。</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <source>%1 does not offer quality %2 (choose %3).</source>
        <translation>%1 不提供质量 %2（可选：%3）。</translation>
    </message>
    <message>
        <source>%1 cannot produce %2 (choose %3).</source>
        <translation>%1 无法生成 %2（可选：%3）。</translation>
    </message>
    <message>
        <source>%1 makes %2–%3 images per request, not %4.</source>
        <translation>%1 每次请求生成 %2–%3 张图片，不能是 %4 张。</translation>
    </message>
    <message>
        <source>%1 does not offer %2 %3 (choose %4).</source>
        <translation>%1 不提供 %2 %3（可选：%4）。</translation>
    </message>
    <message>
        <source>A transparent background needs %1 output.</source>
        <translation>透明背景需要 %1 输出格式。</translation>
    </message>
    <message>
        <source>Compression must be between 0 and 100 %.</source>
        <translation>压缩率必须在 0 到 100 % 之间。</translation>
    </message>
    <message>
        <source>Compression applies to %1 output only.</source>
        <translation>压缩率仅适用于 %1 输出。</translation>
    </message>
    <message>
        <source>%1 streams 0–%2 partial images.</source>
        <translation>%1 可流式返回 0–%2 张中间图。</translation>
    </message>
    <message>
        <source>%1 output cannot be streamed; set partial images to 0.</source>
        <translation>%1 输出无法流式返回；请把中间图数量设为 0。</translation>
    </message>
    <message>
        <source>The safety identifier must be 1–%1 characters.</source>
        <translation>安全标识必须为 1–%1 个字符。</translation>
    </message>
    <message>
        <source>Frame count and frame duration apply to GIF output only.</source>
        <translation>帧数和帧时长仅适用于 GIF 输出。</translation>
    </message>
    <message>
        <source>A GIF has %1–%2 frames, not %3.</source>
        <translation>GIF 的帧数为 %1–%2，不能是 %3。</translation>
    </message>
    <message>
        <source>A GIF frame lasts 10–655,350 ms.</source>
        <translation>GIF 每帧时长为 10–655,350 毫秒。</translation>
    </message>
    <message>
        <source>GIF output takes no compression setting.</source>
        <translation>GIF 输出不支持压缩率设置。</translation>
    </message>
    <message>
        <source>The SVG author model applies to SVG output only.</source>
        <translation>SVG 生成模型仅适用于 SVG 输出。</translation>
    </message>
    <message>
        <source>Choose the SVG author model to set its reasoning effort.</source>
        <translation>请先选择 SVG 生成模型，再设置其推理强度。</translation>
    </message>
    <message>
        <source>%1 cannot edit images.</source>
        <translation>%1 不能编辑图片。</translation>
    </message>
    <message>
        <source>An edit takes 1–%1 input images, not %2.</source>
        <translation>编辑需要 1–%1 张输入图片，不能是 %2 张。</translation>
    </message>
    <message>
        <source>Use either a mask or a markup drawing, not both.</source>
        <translation>蒙版和标注只能二选一，不能同时使用。</translation>
    </message>
    <message>
        <source>%1 does not take a mask.</source>
        <translation>%1 不支持蒙版。</translation>
    </message>
    <message>
        <source>%1 does not take a markup drawing; choose a 2.5 or newer model.</source>
        <translation>%1 不支持标注；请选择 2.5 或更新的模型。</translation>
    </message>
    <message>
        <source>GIF output cannot be combined with a mask.</source>
        <translation>GIF 输出不能与蒙版同时使用。</translation>
    </message>
    <message>
        <source>This request (about %1) would take this month&apos;s spend (%2) over your budget of %3. Raise the budget in Settings or allow this request anyway.</source>
        <translation>本次请求（约 %1）会使本月支出（%2）超出预算 %3。请在设置中提高预算，或仍然允许本次请求。</translation>
    </message>
    <message>
        <source>This month&apos;s spend (%1) reached your budget of %2. Raise the budget in Settings or allow this request anyway.</source>
        <translation>本月支出（%1）已达到预算 %2。请在设置中提高预算，或仍然允许本次请求。</translation>
    </message>
    <message>
        <source>No API key is set. Paste your OpenAI key in Settings (it is stored in the system keyring), or switch to the demo provider.</source>
        <translation>尚未设置 API 密钥。请在设置中粘贴 OpenAI 密钥（保存在系统钥匙串中），或切换到演示服务。</translation>
    </message>
    <message>
        <source>No API key is set for the profile %1. Add it in Settings → Profiles…, or run: imagestudio key set --profile NAME</source>
        <translation>配置 %1 尚未设置 API 密钥。请在“设置 → 配置…”中添加，或运行：imagestudio key set --profile NAME</translation>
    </message>
    <message>
        <source>Enter the base URL of your OpenAI-compatible server in Settings.</source>
        <translation>请在设置中填写兼容 OpenAI 的服务器的基础 URL。</translation>
    </message>
    <message>
        <source>The API key was rejected (401). Check or replace it in Settings.</source>
        <extracomment>transport failures that happen before the request reaches the server (nothing can have been billed)</extracomment>
        <translation>API 密钥被拒绝（401）。请在设置中检查或更换密钥。</translation>
    </message>
    <message>
        <source>Your account has no access to %1 output yet (a limited preview). Choose PNG, JPEG or WebP instead.</source>
        <translation>你的账户尚无 %1 输出的使用权限（限量预览）。请改选 PNG、JPEG 或 WebP。</translation>
    </message>
    <message>
        <source>This key or account may not do that (403): %1</source>
        <translation>此密钥或账户无权执行该操作（403）：%1</translation>
    </message>
    <message>
        <source>The server does not know this model or endpoint (404): %1</source>
        <translation>服务器不认识此模型或接口（404）：%1</translation>
    </message>
    <message>
        <source>Your OpenAI account has no credit left (insufficient_quota). Add credit in the billing settings.</source>
        <translation>你的 OpenAI 账户余额不足（insufficient_quota）。请在账单设置中充值。</translation>
    </message>
    <message>
        <source>The server does not accept the option &apos;%1&apos; here: %2</source>
        <translation>服务器在此不接受选项“%1”：%2</translation>
    </message>
    <message>
        <source>Your OpenAI organization must be verified to use this model. Open platform.openai.com → Settings → Organization → General and choose Verify Organization; access can take up to 15 minutes to arrive.</source>
        <translation>使用此模型需要先验证你的 OpenAI 组织。请打开 platform.openai.com → Settings → Organization → General，选择 Verify Organization；验证后权限最多可能需要 15 分钟才生效。</translation>
    </message>
    <message>
        <source>This option (%1) is a limited preview your account cannot use yet. Turn it off and try again.</source>
        <translation>此选项（%1）是有限预览功能，你的账户暂时无法使用。请关闭该选项后重试。</translation>
    </message>
    <message>
        <source>Too many requests (429). Try again in %1 s.</source>
        <translation>请求过于频繁（429）。请在 %1 秒后重试。</translation>
    </message>
    <message>
        <source>Too many requests (429). Try again shortly.</source>
        <translation>请求过于频繁（429）。请稍后重试。</translation>
    </message>
    <message>
        <source>The safety system refused this request. Rephrase the prompt and try again.</source>
        <translation>安全系统拒绝了此请求。请改写提示词后重试。</translation>
    </message>
    <message>
        <source>The server does not offer this model: %1</source>
        <translation>服务器不提供此模型：%1</translation>
    </message>
    <message>
        <source>The server refused the request: %1</source>
        <translation>服务器拒绝了请求：%1</translation>
    </message>
    <message>
        <source>The image service had an internal error (%1). Try again later.</source>
        <translation>图像服务出现内部错误（%1）。请稍后重试。</translation>
    </message>
    <message>
        <source>The request timed out. Check your connection and try again.</source>
        <translation>请求超时。请检查网络连接后重试。</translation>
    </message>
    <message>
        <source>Could not reach the image service. Check your network connection.</source>
        <translation>无法连接图像服务。请检查网络连接。</translation>
    </message>
    <message>
        <source>The server could not finish the request in time (%1).</source>
        <translation>服务器未能及时完成请求（%1）。</translation>
    </message>
    <message>
        <source>The server answered with an error (%1): %2</source>
        <translation>服务器返回错误（%1）：%2</translation>
    </message>
    <message>
        <source>The image service reported an error while sending: %1</source>
        <translation>图像服务在发送过程中报告了错误：%1</translation>
    </message>
    <message>
        <source>The server&apos;s answer was cut off or is not valid JSON. Try again.</source>
        <translation>服务器的响应被截断或不是有效的 JSON。请重试。</translation>
    </message>
    <message>
        <source>The connection was lost while the image was being sent. Try again.</source>
        <translation>接收图片时连接中断。请重试。</translation>
    </message>
    <message>
        <source>Unexpected error talking to the image service (%1).</source>
        <translation>与图像服务通信时发生意外错误（%1）。</translation>
    </message>
    <message>
        <source>The system keyring is locked; unlock it and try again.</source>
        <extracomment>Why the keyring could not be read (e.g. locked), when it could not.</extracomment>
        <translation>系统钥匙串已锁定；请解锁后重试。</translation>
    </message>
    <message>
        <source>The system keyring could not be read (%1).</source>
        <translation>无法读取系统钥匙串（%1）。</translation>
    </message>
    <message>
        <source>No secure keyring is available on this system, so the key cannot be saved. You can use it for this session only.</source>
        <translation>此系统没有可用的安全钥匙串，无法保存密钥。你可以仅在本次会话中使用它。</translation>
    </message>
    <message>
        <source>The keyring refused to store the key (%1).</source>
        <translation>钥匙串拒绝保存密钥（%1）。</translation>
    </message>
    <message>
        <source>A profile name has 1–40 letters, digits, spaces, dots, dashes or underscores.</source>
        <translation>配置名称须为 1–40 个字母、数字、空格、点、短横线或下划线。</translation>
    </message>
    <message>
        <source>Unknown profile kind %1 (choose %2).</source>
        <translation>未知的配置类型 %1（请选择 %2）。</translation>
    </message>
    <message>
        <source>An OpenAI-compatible profile needs a base URL starting with http:// or https://.</source>
        <translation>OpenAI 兼容配置需要以 http:// 或 https:// 开头的基础 URL。</translation>
    </message>
    <message>
        <source>An Azure profile needs the resource endpoint (https://…openai.azure.com).</source>
        <translation>Azure 配置需要资源终结点（https://…openai.azure.com）。</translation>
    </message>
    <message>
        <source>An Azure profile needs an api-version, e.g. 2025-04-01-preview.</source>
        <translation>Azure 配置需要 api-version，例如 2025-04-01-preview。</translation>
    </message>
    <message>
        <source>Capability overrides must be a JSON object.</source>
        <translation>能力覆盖必须是一个 JSON 对象。</translation>
    </message>
    <message>
        <source>Capability overrides are not valid JSON.</source>
        <translation>能力覆盖不是有效的 JSON。</translation>
    </message>
    <message>
        <source>There is already a profile named %1.</source>
        <translation>已存在名为 %1 的配置。</translation>
    </message>
    <message>
        <source>The settings file is not a JSON object; defaults are used.</source>
        <extracomment>jobs of one provider profile that run at the same time what to do with jobs a crash interrupted (they may have been charged): &quot;ask&quot; or &quot;auto&quot; the jobs panel&apos;s Pause, kept across restarts (waiting jobs stay queued until Resume) each response (its default; needed to continue a conversation by id, else the image is sent each turn) Generate asks first when the request&apos;s estimated cost is above this (0 = never asks) the gallery&apos;s thumbnail edge in px (its size control, Ctrl+wheel)</extracomment>
        <translation>设置文件不是 JSON 对象；已使用默认设置。</translation>
    </message>
    <message>
        <source>Settings schema %1 is not %2; unknown values are ignored.</source>
        <translation>设置架构 %1 不是 %2；未知的值已被忽略。</translation>
    </message>
    <message>
        <source>Setting %1 has an invalid value; the default is used.</source>
        <translation>设置项 %1 的值无效；已使用默认值。</translation>
    </message>
    <message>
        <source>The settings file could not be read (%1).</source>
        <translation>无法读取设置文件（%1）。</translation>
    </message>
    <message>
        <source>It was kept as %1.</source>
        <translation>原文件已保留为 %1。</translation>
    </message>
    <message>
        <source>The settings file as it was is kept as %1.</source>
        <translation>原来的设置文件已保留为 %1。</translation>
    </message>
    <message>
        <source>No copy of the settings file could be kept (%1).</source>
        <translation>无法保留设置文件的副本（%1）。</translation>
    </message>
    <message>
        <source>The stream ended after %1 of %2 images; the connection was cut. Try again.</source>
        <translation>数据流在收到 %2 张中的 %1 张图像后结束，连接已中断。请重试。</translation>
    </message>
    <message>
        <source>Connected: the key is valid and the server lists %1 models (image models: %2). Not checked: whether this account may use the image models (some need a verified organization) and whether it has credit left — the first image you generate will tell.</source>
        <translation>已连接：密钥有效，服务器列出了 %1 个模型（图像模型：%2）。未检查：此账户能否使用图像模型（部分模型需要已验证的组织），以及账户是否还有余额——生成第一张图像时即可知晓。</translation>
    </message>
    <message>
        <source>%1 This attempt may have been charged, like the one before it, so it is not retried on its own. Resume the job to try again.</source>
        <translation>%1 本次尝试与上一次一样可能已被计费，因此不会自动重试。请继续该任务以再次尝试。</translation>
    </message>
    <message>
        <source>This provider has no Batch API: the job is sent now, at the normal price.</source>
        <translation>此服务商没有批处理 API：任务将立即以正常价格发送。</translation>
    </message>
    <message>
        <source>The batch ended (%1) before this job&apos;s request ran; it was not charged for it. Resume sends it again.</source>
        <translation>批处理在此任务的请求运行之前已结束（%1）；此任务未被收费。点击“继续”将重新发送。</translation>
    </message>
    <message>
        <source>The Batch API did not run this job twice (%1). Retry it, or send it now instead.</source>
        <translation>批处理 API 两次都未运行此任务（%1）。请重试，或改为立即发送。</translation>
    </message>
    <message>
        <source>Cancelled. It was already sent in a Batch API batch that runs on: it may still be charged.</source>
        <translation>已取消。它已随批处理 API 的批次发出，该批次仍在运行：可能仍会被收费。</translation>
    </message>
    <message>
        <source>The stream ended before the image arrived; the connection was cut.</source>
        <translation>图像到达前数据流就结束了；连接被中断。</translation>
    </message>
    <message>
        <source>The answer stopped before an image was made (%1). Try again.</source>
        <translation>回答在生成图像之前就停止了（%1）。请重试。</translation>
    </message>
    <message>
        <source>The model answered without making an image. Try again.</source>
        <translation>模型作答了，但没有生成图像。请重试。</translation>
    </message>
    <message>
        <source>Write an instruction first.</source>
        <translation>请先写一条指令。</translation>
    </message>
    <message>
        <source>%1 cannot call the image tool (choose %2).</source>
        <translation>%1 不能调用图像工具（请选择 %2）。</translation>
    </message>
    <message>
        <source>Refine makes PNG, JPEG or WebP images, not %1.</source>
        <translation>对话修改只生成 PNG、JPEG 或 WebP 图像，不支持 %1。</translation>
    </message>
    <message>
        <source>%1 does not offer input fidelity.</source>
        <translation>%1 不提供输入保真度选项。</translation>
    </message>
    <message>
        <source>The image to refine has no file.</source>
        <translation>要修改的图像没有文件。</translation>
    </message>
    <message>
        <source>folder not found</source>
        <translation>找不到文件夹</translation>
    </message>
    <message>
        <source>folder not readable</source>
        <translation>无法读取文件夹</translation>
    </message>
    <message>
        <source>not a folder</source>
        <translation>不是文件夹</translation>
    </message>
    <message>
        <source>folder is back</source>
        <translation>文件夹已恢复</translation>
    </message>
    <message>
        <source>link to outside the watched folder</source>
        <translation>链接指向监视文件夹之外</translation>
    </message>
    <message>
        <source>linked folder not followed</source>
        <translation>未跟随链接的文件夹</translation>
    </message>
    <message>
        <source>not a regular file</source>
        <translation>不是普通文件</translation>
    </message>
    <message>
        <source>too large</source>
        <translation>文件过大</translation>
    </message>
    <message>
        <source>only the first %1 files are watched</source>
        <extracomment>Names looked at; other files (PDFs, archives… in a Downloads folder) are ignored without being read or logged.</extracomment>
        <translation>只监视前 %1 个文件</translation>
    </message>
    <message>
        <source>will try again</source>
        <translation>稍后重试</translation>
    </message>
    <message>
        <source>gave up after %1 attempts</source>
        <translation>尝试 %1 次后放弃</translation>
    </message>
    <message>
        <source>same file as #%1</source>
        <translation>与 #%1 是同一文件</translation>
    </message>
    <message>
        <source>same file as #%1 (in the trash)</source>
        <translation>与 #%1 是同一文件（在回收站中）</translation>
    </message>
    <message>
        <source>empty file</source>
        <translation>空文件</translation>
    </message>
    <message>
        <source>unsupported format</source>
        <translation>不支持的格式</translation>
    </message>
    <message>
        <source>decompression bomb</source>
        <translation>解压炸弹</translation>
    </message>
    <message>
        <source>not an image</source>
        <translation>不是图像</translation>
    </message>
    <message>
        <source>truncated or damaged</source>
        <translation>已截断或损坏</translation>
    </message>
    <message>
        <source>unreadable</source>
        <translation>无法读取</translation>
    </message>
    <message>
        <source>too slow</source>
        <translation>读取太慢</translation>
    </message>
    <message>
        <source>could not be copied</source>
        <translation>无法复制</translation>
    </message>
    <message>
        <source>could not be recorded</source>
        <translation>无法记录</translation>
    </message>
    <message>
        <source>could not be imported</source>
        <translation>无法导入</translation>
    </message>
    <message>
        <source>%1 is not a folder.</source>
        <translation>%1 不是文件夹。</translation>
    </message>
    <message>
        <source>%1 is watched already.</source>
        <translation>%1 已在监视中。</translation>
    </message>
</context>
<context>
    <name>CostLabel</name>
    <message>
        <source>API spend from the cost ledger (imagestudio ledger)</source>
        <translation>来自费用账本的 API 花费（imagestudio ledger）</translation>
    </message>
    <message>
        <source>Budget spent</source>
        <translation>预算已用完</translation>
    </message>
    <message>
        <source>The monthly budget is spent: paid requests are blocked (see Settings).</source>
        <translation>本月预算已用完：付费请求已被阻止（见设置）。</translation>
    </message>
    <message>
        <source>Budget almost spent</source>
        <translation>预算即将用完</translation>
    </message>
    <message>
        <source>80 % of the monthly budget is spent.</source>
        <translation>本月预算已用掉 80%。</translation>
    </message>
    <message>
        <source>API spend</source>
        <translation>API 支出</translation>
    </message>
    <message>
        <source>Today %1 · month %2</source>
        <translation>今天 %1 · 本月 %2</translation>
    </message>
    <message>
        <source>of %1 (%2 %)</source>
        <translation>/ %1（%2%）</translation>
    </message>
    <message numerus="yes">
        <source>%n without known prices</source>
        <translation>
            <numerusform>%n 次调用价格未知</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>CullingActions</name>
    <message>
        <source>Clear rating</source>
        <translation>清除评分</translation>
    </message>
    <message>
        <source>Rate %1</source>
        <translation>评为 %1</translation>
    </message>
    <message>
        <source>Pick</source>
        <translation>选用</translation>
    </message>
    <message>
        <source>Reject</source>
        <translation>拒绝</translation>
    </message>
    <message>
        <source>Unflag</source>
        <translation>取消标记</translation>
    </message>
    <message>
        <source>Empty rejected to trash</source>
        <translation>将已拒绝的图片移到废纸篓</translation>
    </message>
    <message>
        <source>Move every rejected image to the trash (Ctrl+Z undoes it)</source>
        <translation>将所有已拒绝的图片移到废纸篓（Ctrl+Z 可撤销）</translation>
    </message>
    <message>
        <source>Rating</source>
        <translation>评分</translation>
    </message>
    <message>
        <source>Flag</source>
        <translation>标记</translation>
    </message>
</context>
<context>
    <name>DonePage</name>
    <message>
        <source>You are ready</source>
        <translation>准备就绪</translation>
    </message>
    <message>
        <source>&lt;p&gt;Describe an image in any language and press &lt;b&gt;Ctrl+Enter&lt;/b&gt; to generate it.&lt;/p&gt;&lt;p&gt;Presets (the toolbar above the prompt) start you off with an avatar, an artwork, an advertising creative or a game character.&lt;/p&gt;&lt;p&gt;Every image is kept in your library with its prompt and cost. Help → Keyboard shortcuts lists every key; Help → Getting started opens this guide again.&lt;/p&gt;</source>
        <translation>&lt;p&gt;用任何语言描述一张图片，按 &lt;b&gt;Ctrl+Enter&lt;/b&gt; 即可生成。&lt;/p&gt;&lt;p&gt;预设（提示词上方的工具栏）可以帮你从头像、艺术作品、广告创意或游戏角色开始。&lt;/p&gt;&lt;p&gt;每张图片都会连同提示词和费用保存在你的图库中。帮助 → 键盘快捷键列出所有按键；帮助 → 入门向导可再次打开本向导。&lt;/p&gt;</translation>
    </message>
</context>
<context>
    <name>DraftTabs</name>
    <message>
        <source>Prompt drafts</source>
        <extracomment>the drafts changed and should be saved: (drafts, current index)</extracomment>
        <translation>提示词草稿</translation>
    </message>
    <message>
        <source>New prompt draft</source>
        <translation>新建提示词草稿</translation>
    </message>
    <message>
        <source>Draft %1</source>
        <translation>草稿 %1</translation>
    </message>
</context>
<context>
    <name>EditInputs</name>
    <message>
        <source>Input images</source>
        <extracomment>The person asked to paint on the first image: (path, mode &quot;mask&quot;/&quot;markup&quot;). Encoded image bytes from a drop or paste (bytes, extension): saved by StudioService, then add_paths. Library image ids dropped or pasted from our own gallery/viewer: the editor looks up their files. A thumbnail is needed for this path (decoded off the GUI thread, then ``set_thumbnail``).</extracomment>
        <translation>输入图片</translation>
    </message>
    <message>
        <source>Drop images here, paste with Ctrl+V, or use Add… — they will be edited. Drag to reorder.</source>
        <translation>把图片拖到这里、用 Ctrl+V 粘贴，或点“添加…”——这些图片将被编辑。拖动可调整顺序。</translation>
    </message>
    <message>
        <source>Add…</source>
        <translation>添加…</translation>
    </message>
    <message>
        <source>Paste</source>
        <translation>粘贴</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>Remove the selected images (Del)</source>
        <translation>移除所选图片（Del）</translation>
    </message>
    <message>
        <source>Move the selected image earlier</source>
        <translation>把所选图片前移</translation>
    </message>
    <message>
        <source>Move the selected image later</source>
        <translation>把所选图片后移</translation>
    </message>
    <message>
        <source>Set as mask base</source>
        <translation>设为蒙版底图</translation>
    </message>
    <message>
        <source>Make the selected image the first one: the mask is painted on it</source>
        <translation>把所选图片设为第一张：蒙版画在它上面</translation>
    </message>
    <message>
        <source>Mask / markup…</source>
        <translation>蒙版 / 标注…</translation>
    </message>
    <message>
        <source>No mask</source>
        <translation>无蒙版</translation>
    </message>
    <message>
        <source>Remove the selected edit images</source>
        <translation>移除所选的待编辑图片</translation>
    </message>
    <message>
        <source>&lt;b&gt;Images to edit&lt;/b&gt; (optional)</source>
        <translation>&lt;b&gt;要编辑的图片&lt;/b&gt;（可选）</translation>
    </message>
    <message>
        <source>Not added (PNG, JPEG or WebP; at most %1): %2</source>
        <translation>未添加（仅限 PNG、JPEG 或 WebP；最多 %1 张）：%2</translation>
    </message>
    <message>
        <source>Pasted</source>
        <translation>粘贴的图片</translation>
    </message>
    <message>
        <source>%1 (could not be read)</source>
        <translation>%1（无法读取）</translation>
    </message>
    <message>
        <source>The clipboard holds no image.</source>
        <translation>剪贴板中没有图片。</translation>
    </message>
    <message>
        <source>Images to edit</source>
        <translation>要编辑的图片</translation>
    </message>
    <message>
        <source>Images (*.png *.jpg *.jpeg *.webp)</source>
        <translation>图片 (*.png *.jpg *.jpeg *.webp)</translation>
    </message>
    <message>
        <source>The mask was cleared: it was painted on the previous first image.</source>
        <translation>蒙版已清除：它是画在之前的第一张图片上的。</translation>
    </message>
    <message>
        <source>Image 1 is the mask base: a mask is painted on it and must have its size.</source>
        <translation>第 1 张是蒙版底图：蒙版画在它上面，尺寸必须与它相同。</translation>
    </message>
    <message>
        <source>Mask set: the painted area will change.</source>
        <translation>已设置蒙版：涂抹的区域将被修改。</translation>
    </message>
    <message>
        <source>Markup set: the drawing guides the edit.</source>
        <translation>已设置标注：绘制的内容将引导编辑。</translation>
    </message>
    <message>
        <source>%1 image(s): Generate becomes Edit.</source>
        <translation>%1 张图片：“生成”变为“编辑”。</translation>
    </message>
</context>
<context>
    <name>EditPainting</name>
    <message>
        <source>The first image could not be opened for painting.</source>
        <extracomment>the open painter, if any</extracomment>
        <translation>无法打开第一张图片来绘制。</translation>
    </message>
</context>
<context>
    <name>EmptyState</name>
    <message>
        <source>Show all images</source>
        <translation>显示全部图片</translation>
    </message>
    <message>
        <source>No images yet</source>
        <translation>还没有图片</translation>
    </message>
    <message>
        <source>Describe an image in the prompt and press Generate (Ctrl+Enter), try a preset, or drop image files here to import them.</source>
        <translation>在提示词中描述一张图片并点“生成”（Ctrl+Enter），试试预设，或把图片文件拖到这里导入。</translation>
    </message>
    <message>
        <source>The trash is empty</source>
        <translation>回收站是空的</translation>
    </message>
    <message>
        <source>Images you move to the trash wait here.</source>
        <translation>移到回收站的图片会放在这里。</translation>
    </message>
    <message>
        <source>No similar images</source>
        <translation>没有相似的图片</translation>
    </message>
    <message>
        <source>Nothing in the library looks like image #%1.</source>
        <translation>图库中没有与图片 #%1 相似的图片。</translation>
    </message>
    <message>
        <source>No images match “%1”</source>
        <translation>没有与“%1”匹配的图片</translation>
    </message>
    <message>
        <source>Try fewer or other words, another language (the prompt&apos;s own), or turn off the filters and “Only favourites”. Tags and notes are searched too.</source>
        <translation>试试更少或其他的词、换一种语言（提示词所用的语言），或关闭筛选和“仅收藏”。标签和备注也会被搜索。</translation>
    </message>
    <message>
        <source>No favourites here</source>
        <translation>这里没有收藏</translation>
    </message>
    <message>
        <source>Press F on an image to star it.</source>
        <translation>在图片上按 F 即可收藏。</translation>
    </message>
    <message>
        <source>No images tagged “%1”</source>
        <translation>没有标签为“%1”的图片</translation>
    </message>
    <message>
        <source>Press T on an image to tag it.</source>
        <translation>在图片上按 T 即可添加标签。</translation>
    </message>
    <message>
        <source>This collection is empty</source>
        <translation>此合集是空的</translation>
    </message>
    <message>
        <source>Right-click images → Add to collection.</source>
        <translation>右键点击图片 → 添加到合集。</translation>
    </message>
    <message>
        <source>Nothing matches these filters</source>
        <translation>没有符合这些筛选条件的图片</translation>
    </message>
    <message>
        <source>Widen the dates, size or cost.</source>
        <translation>放宽日期、尺寸或费用范围。</translation>
    </message>
</context>
<context>
    <name>EnhanceDialog</name>
    <message>
        <source>Enhanced prompt</source>
        <translation>优化后的提示词</translation>
    </message>
    <message>
        <source>Original prompt</source>
        <translation>原始提示词</translation>
    </message>
    <message>
        <source>Differences</source>
        <translation>差异</translation>
    </message>
    <message>
        <source>Enhanced prompt (editable)</source>
        <translation>优化后的提示词（可编辑）</translation>
    </message>
    <message>
        <source>cost unknown</source>
        <translation>费用未知</translation>
    </message>
    <message>
        <source>%1 · %2 in / %3 out tokens · %4</source>
        <translation>%1 · 输入 %2 / 输出 %3 个 token · %4</translation>
    </message>
    <message>
        <source>Use enhanced</source>
        <translation>使用优化版</translation>
    </message>
    <message>
        <source>Keep original</source>
        <translation>保留原文</translation>
    </message>
    <message>
        <source>&lt;b&gt;Original&lt;/b&gt;</source>
        <translation>&lt;b&gt;原文&lt;/b&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;Enhanced&lt;/b&gt; (new words highlighted; edit below)</source>
        <translation>&lt;b&gt;优化版&lt;/b&gt;（新增词语已高亮；可在下方编辑）</translation>
    </message>
</context>
<context>
    <name>Estimator</name>
    <message>
        <source>%1 in a batch (now %2)</source>
        <translation>批处理 %1（立即发送 %2）</translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message numerus="yes">
        <source>Export %n image(s)</source>
        <translation>
            <numerusform>导出 %n 张图片</numerusform>
        </translation>
    </message>
    <message>
        <source>Original file (byte-exact)</source>
        <translation>原始文件（逐字节一致）</translation>
    </message>
    <message>
        <source>Limit the long edge to</source>
        <translation>长边限制为</translation>
    </message>
    <message>
        <source>Strip metadata (prompt, AI label, EXIF, XMP, PNG text)</source>
        <translation>去除元数据（提示词、AI 标记、EXIF、XMP、PNG 文本）</translation>
    </message>
    <message>
        <source>Also write .xmp sidecars (prompt, tags, rating; originals stay byte-exact)</source>
        <translation>同时写入 .xmp 附属文件（提示词、标签、评分；原始文件保持逐字节不变）</translation>
    </message>
    <message>
        <source>Convert colours to sRGB</source>
        <translation>将颜色转换为 sRGB</translation>
    </message>
    <message>
        <source>Fields: %1</source>
        <translation>字段：%1</translation>
    </message>
    <message>
        <source>One ZIP file named</source>
        <translation>打包为一个 ZIP 文件，名为</translation>
    </message>
    <message>
        <source>images</source>
        <translation>图片</translation>
    </message>
    <message>
        <source>ZIP file name</source>
        <translation>ZIP 文件名</translation>
    </message>
    <message>
        <source>No manifest</source>
        <translation>不附清单</translation>
    </message>
    <message>
        <source>CSV manifest (prompts and parameters)</source>
        <translation>CSV 清单（提示词和参数）</translation>
    </message>
    <message>
        <source>JSON manifest (prompts and parameters)</source>
        <translation>JSON 清单（提示词和参数）</translation>
    </message>
    <message>
        <source>Manifest</source>
        <translation>清单</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Open folder</source>
        <extracomment>after an export: the folder in the file manager (``open_url`` is replaceable in tests)</extracomment>
        <translation>打开文件夹</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Format</source>
        <translation>格式</translation>
    </message>
    <message>
        <source>Quality</source>
        <translation>质量</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>尺寸</translation>
    </message>
    <message>
        <source>File names</source>
        <translation>文件名</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>文件夹</translation>
    </message>
    <message>
        <source>Pack</source>
        <translation>打包</translation>
    </message>
    <message>
        <source>Export to folder</source>
        <translation>导出到文件夹</translation>
    </message>
    <message>
        <source>The original files are copied unchanged: any C2PA manifest from the provider (its signed record that the image was AI-generated) is kept. Nothing is added.</source>
        <translation>原始文件将原样复制：服务商提供的 C2PA 清单（证明图片由 AI 生成的签名记录）会被保留。不添加任何内容。</translation>
    </message>
    <message>
        <source>Pixels only: no prompt, no AI-generated label, no EXIF/XMP/PNG text, and no C2PA manifest.</source>
        <translation>仅保留像素：不含提示词、AI 生成标记、EXIF/XMP/PNG 文本，也不含 C2PA 清单。</translation>
    </message>
    <message>
        <source>Re-encoded files carry the prompt and an AI-generated label (IPTC DigitalSourceType trainedAlgorithmicMedia in XMP). A provider&apos;s C2PA manifest cannot survive re-encoding: choose Original to keep it.</source>
        <translation>重新编码的文件会带有提示词和 AI 生成标记（XMP 中的 IPTC DigitalSourceType trainedAlgorithmicMedia）。服务商的 C2PA 清单无法在重新编码后保留：如需保留，请选择“原始文件”。</translation>
    </message>
    <message>
        <source>e.g. %1</source>
        <translation>例如 %1</translation>
    </message>
    <message>
        <source>Choose a folder to export to.</source>
        <translation>请选择要导出到的文件夹。</translation>
    </message>
    <message>
        <source>Exporting…</source>
        <translation>正在导出…</translation>
    </message>
    <message>
        <source>Export failed: %1</source>
        <translation>导出失败：%1</translation>
    </message>
    <message numerus="yes">
        <source>%n file(s) written to %1</source>
        <translation>
            <numerusform>已写入 %n 个文件到 %1</numerusform>
        </translation>
    </message>
    <message>
        <source>Cancelled. </source>
        <translation>已取消。</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message numerus="yes">
        <source>%n image(s) packed into %1</source>
        <translation>
            <numerusform>已将 %n 张图片打包到 %1</numerusform>
        </translation>
    </message>
    <message>
        <source>Cancelled: no ZIP file was written.</source>
        <translation>已取消：未写入 ZIP 文件。</translation>
    </message>
    <message>
        <source>No ZIP file was written.</source>
        <translation>未写入 ZIP 文件。</translation>
    </message>
</context>
<context>
    <name>FilterPopup</name>
    <message>
        <source>Filter by date, model, size, cost, rating and flag</source>
        <translation>按日期、模型、尺寸、费用、评分和标记筛选</translation>
    </message>
    <message>
        <source>Filters</source>
        <translation>筛选</translation>
    </message>
    <message>
        <source>Any model</source>
        <translation>任意模型</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>From</source>
        <translation>起始</translation>
    </message>
    <message>
        <source>Until</source>
        <translation>截止</translation>
    </message>
    <message>
        <source>Any size</source>
        <translation>任意尺寸</translation>
    </message>
    <message>
        <source>At least %1×%2</source>
        <translation>至少 %1×%2</translation>
    </message>
    <message>
        <source>Minimum size</source>
        <translation>最小尺寸</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>尺寸</translation>
    </message>
    <message>
        <source>Any cost</source>
        <translation>任意费用</translation>
    </message>
    <message>
        <source>Minimum cost in dollars</source>
        <translation>最低费用（美元）</translation>
    </message>
    <message>
        <source>Cost</source>
        <translation>费用</translation>
    </message>
    <message>
        <source>Any rating</source>
        <translation>任意评分</translation>
    </message>
    <message>
        <source>At least %1</source>
        <translation>至少 %1</translation>
    </message>
    <message>
        <source>Minimum rating</source>
        <translation>最低评分</translation>
    </message>
    <message>
        <source>Rating</source>
        <translation>评分</translation>
    </message>
    <message>
        <source>Any flag</source>
        <translation>任意标记</translation>
    </message>
    <message>
        <source>Picked</source>
        <translation>已选用</translation>
    </message>
    <message>
        <source>Unflagged</source>
        <translation>未标记</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>已拒绝</translation>
    </message>
    <message>
        <source>Flag</source>
        <translation>标记</translation>
    </message>
    <message>
        <source>Hide rejected</source>
        <translation>隐藏已拒绝</translation>
    </message>
    <message>
        <source>Images marked rejected (X) stay in the library but out of sight</source>
        <translation>标为拒绝（X）的图片仍在图库中，只是不显示</translation>
    </message>
    <message>
        <source>Clear filters</source>
        <translation>清除筛选</translation>
    </message>
    <message>
        <source>Filters (%1)</source>
        <translation>筛选（%1）</translation>
    </message>
</context>
<context>
    <name>GalleryMenu</name>
    <message>
        <source>Favourite</source>
        <extracomment>(title, label, initial text) → the text entered, or None when cancelled. Tests replace it. (parent, how many images, the library&apos;s tags) → the tag, or None when cancelled. Tests may replace it. (parent, the note now) → the new note, or None when cancelled the window&apos;s unobtrusive notification (text, &quot;Details…&quot; action); without one, the report box opens actions other parts of the window add to the top of the right-click menu (&quot;Edit selected&quot;)</extracomment>
        <translation>收藏</translation>
    </message>
    <message>
        <source>Move to trash</source>
        <translation>移到回收站</translation>
    </message>
    <message>
        <source>Restore from trash</source>
        <translation>从回收站恢复</translation>
    </message>
    <message>
        <source>Empty trash…</source>
        <translation>清空回收站…</translation>
    </message>
    <message>
        <source>Add tag…</source>
        <translation>添加标签…</translation>
    </message>
    <message>
        <source>Edit note…</source>
        <translation>编辑备注…</translation>
    </message>
    <message>
        <source>New collection from selection…</source>
        <translation>用所选图片新建合集…</translation>
    </message>
    <message>
        <source>Remove from this collection</source>
        <translation>从此合集中移除</translation>
    </message>
    <message>
        <source>Undo move to trash</source>
        <translation>撤销移到回收站</translation>
    </message>
    <message>
        <source>&amp;Import images…</source>
        <translation>导入图片(&amp;I)…</translation>
    </message>
    <message>
        <source>Import a &amp;folder…</source>
        <translation>导入文件夹(&amp;F)…</translation>
    </message>
    <message>
        <source>Search the library</source>
        <translation>搜索图库</translation>
    </message>
    <message>
        <source>Empty trash</source>
        <translation>清空回收站</translation>
    </message>
    <message>
        <source>Delete every image in the trash for good? Their files are removed and this cannot be undone.</source>
        <translation>永久删除回收站中的所有图片？文件将被移除，且无法撤销。</translation>
    </message>
    <message>
        <source>Delete for good</source>
        <translation>永久删除</translation>
    </message>
    <message numerus="yes">
        <source>Delete %n image(s) for good? This cannot be undone.</source>
        <translation>
            <numerusform>永久删除 %n 张图片？此操作无法撤销。</numerusform>
        </translation>
    </message>
    <message>
        <source>New collection</source>
        <translation>新建合集</translation>
    </message>
    <message>
        <source>Name of the collection:</source>
        <translation>合集名称：</translation>
    </message>
    <message>
        <source>Type a search or choose a filter first.</source>
        <translation>请先输入搜索内容或选择筛选条件。</translation>
    </message>
    <message>
        <source>My search</source>
        <translation>我的搜索</translation>
    </message>
    <message>
        <source>Save search</source>
        <translation>保存搜索</translation>
    </message>
    <message>
        <source>Name in the sidebar:</source>
        <translation>在侧栏中显示的名称：</translation>
    </message>
    <message>
        <source>Import images</source>
        <translation>导入图片</translation>
    </message>
    <message>
        <source>Images (*.png *.jpg *.jpeg *.webp *.gif);;All files (*)</source>
        <translation>图片 (*.png *.jpg *.jpeg *.webp *.gif);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Import a folder of images</source>
        <translation>导入图片文件夹</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <source>Import finished: %1</source>
        <translation>导入完成：%1</translation>
    </message>
    <message>
        <source>Delete for good…</source>
        <translation>永久删除…</translation>
    </message>
    <message>
        <source>Remove tag</source>
        <translation>移除标签</translation>
    </message>
    <message>
        <source>Add to collection</source>
        <translation>添加到合集</translation>
    </message>
    <message>
        <source>Find similar</source>
        <translation>查找相似图片</translation>
    </message>
</context>
<context>
    <name>GalleryModel</name>
    <message>
        <source>demo</source>
        <extracomment>details kept for this many rows (the most recently loaded pages): scrolling through 100k images keeps memory flat; a row whose details were dropped loads its page again when it is painted</extracomment>
        <translation>演示</translation>
    </message>
    <message>
        <source>Picked</source>
        <translation>已选用</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>已拒绝</translation>
    </message>
    <message>
        <source>Generating…</source>
        <translation>正在生成…</translation>
    </message>
</context>
<context>
    <name>GalleryPane</name>
    <message>
        <source>&lt;b&gt;Gallery&lt;/b&gt;</source>
        <translation>&lt;b&gt;图库&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Images similar to #%1</source>
        <extracomment>the thumbnail size: a slider under the grid, Ctrl+wheel, Ctrl+= / Ctrl+- (ui/gallery/tile.py) what the gallery says when it shows nothing (ui/gallery/empty_state.py)</extracomment>
        <translation>与 #%1 相似的图片</translation>
    </message>
    <message numerus="yes">
        <source>%n image(s)</source>
        <translation>
            <numerusform>%n 张图片</numerusform>
        </translation>
    </message>
    <message>
        <source>Nothing matches</source>
        <translation>没有匹配的图片</translation>
    </message>
    <message>
        <source>No images yet</source>
        <translation>还没有图片</translation>
    </message>
</context>
<context>
    <name>GalleryView</name>
    <message>
        <source>Gallery</source>
        <extracomment>Local files or folders dropped onto the gallery (imported by the pane). Enter / Space on the current image: open it in the viewer (double-click goes through the pane&apos;s menu) A hover button on a tile was clicked: (&quot;favourite&quot; | &quot;open&quot; | &quot;more&quot;, image id, position in the viewport) The thumbnail edge changed (the size control, Ctrl+wheel), in px Set by the main window&apos;s MediaActions: builds real files + QMimeData (app/dragdrop.py) and runs the drag</extracomment>
        <translation>图库</translation>
    </message>
    <message>
        <source>Favourite (F)</source>
        <translation>收藏（F）</translation>
    </message>
    <message>
        <source>Open (Enter)</source>
        <translation>打开（Enter）</translation>
    </message>
    <message>
        <source>More…</source>
        <translation>更多…</translation>
    </message>
    <message>
        <source>Expand or collapse this stack (S)</source>
        <translation>展开或折叠此堆叠 (S)</translation>
    </message>
</context>
<context>
    <name>InstanceLock</name>
    <message>
        <source>imagestudio is already open with this library (process %1). Switch to its window; a second window would write to the same library without seeing the first one&apos;s changes.</source>
        <translation>imagestudio 已经在使用此图库（进程 %1）。请切换到那个窗口；第二个窗口会写入同一个图库，却看不到第一个窗口的更改。</translation>
    </message>
</context>
<context>
    <name>JobNotifier</name>
    <message>
        <source>%1 — %2 running</source>
        <extracomment>(title, text) of the last notification, shown or not (no tray on some desktops and offscreen)</extracomment>
        <translation>%1 — %2 个正在运行</translation>
    </message>
    <message>
        <source>Job finished</source>
        <translation>任务完成</translation>
    </message>
    <message>
        <source>Job failed</source>
        <translation>任务失败</translation>
    </message>
    <message>
        <source>Jobs are still running</source>
        <translation>仍有任务在运行</translation>
    </message>
    <message>
        <source>%1 job(s) running and %2 waiting. What should happen to them?</source>
        <translation>%1 个任务正在运行，%2 个在等待。要如何处理它们？</translation>
    </message>
    <message>
        <source>A job stopped while running may already have been charged; it is marked interrupted.</source>
        <translation>运行中被停止的任务可能已经计费；它会被标记为“已中断”。</translation>
    </message>
    <message>
        <source>The queue is paused: waiting jobs do not start until it is resumed.</source>
        <translation>队列已暂停：等待中的任务在恢复队列之前不会开始。</translation>
    </message>
    <message>
        <source>Keep them for next time</source>
        <translation>保留到下次</translation>
    </message>
    <message>
        <source>Cancel them and quit</source>
        <translation>取消并退出</translation>
    </message>
    <message>
        <source>Wait, then quit</source>
        <translation>等待完成后退出</translation>
    </message>
    <message>
        <source>Resume, wait, then quit</source>
        <translation>恢复队列，等待完成后退出</translation>
    </message>
    <message>
        <source>Wait for the running ones, then quit</source>
        <translation>等待运行中的任务完成后退出</translation>
    </message>
</context>
<context>
    <name>JobRow</name>
    <message>
        <source>Queued</source>
        <translation>排队中</translation>
    </message>
    <message>
        <source>Generating…</source>
        <translation>正在生成…</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>正在保存…</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>Interrupted</source>
        <translation>已中断</translation>
    </message>
    <message>
        <source>In batch</source>
        <translation>批处理中</translation>
    </message>
    <message>
        <source>In batch: sending…</source>
        <translation>批处理中：正在发送…</translation>
    </message>
    <message>
        <source>In batch: validating</source>
        <translation>批处理中：正在验证</translation>
    </message>
    <message>
        <source>In batch: in progress %1/%2</source>
        <translation>批处理中：进行中 %1/%2</translation>
    </message>
    <message>
        <source>In batch: finalizing</source>
        <translation>批处理中：正在完成</translation>
    </message>
    <message>
        <source>In batch: collecting the results</source>
        <translation>批处理中：正在取回结果</translation>
    </message>
    <message>
        <source>In batch: cancelling</source>
        <translation>批处理中：正在取消</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Cancel job</source>
        <translation>取消任务</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>重试</translation>
    </message>
    <message>
        <source>Retry job</source>
        <translation>重试任务</translation>
    </message>
    <message>
        <source>Duplicate</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Duplicate job</source>
        <translation>复制任务</translation>
    </message>
    <message>
        <source>Move up</source>
        <translation>上移</translation>
    </message>
    <message>
        <source>Move down</source>
        <translation>下移</translation>
    </message>
    <message>
        <source>%1 h %2 min left</source>
        <translation>剩余 %1 小时 %2 分钟</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>编辑</translation>
    </message>
    <message>
        <source>%1/%2 images · attempts %3 · cost %4</source>
        <translation>%1/%2 张图片 · 尝试 %3 次 · 费用 %4</translation>
    </message>
    <message>
        <source>Request ids: %1</source>
        <translation>请求 ID：%1</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message numerus="yes">
        <source>%n image(s) saved to the library</source>
        <translation>
            <numerusform>已保存 %n 张图片到图库</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>JobsPanel</name>
    <message>
        <source>&lt;b&gt;Jobs&lt;/b&gt;</source>
        <translation>&lt;b&gt;任务&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Pause queue</source>
        <translation>暂停队列</translation>
    </message>
    <message>
        <source>Clear finished</source>
        <translation>清除已完成</translation>
    </message>
    <message>
        <source>at once: </source>
        <translation>同时运行：</translation>
    </message>
    <message>
        <source>Jobs running at the same time per provider</source>
        <translation>每个服务商同时运行的任务数</translation>
    </message>
    <message>
        <source>Resume interrupted jobs automatically</source>
        <translation>自动继续被中断的任务</translation>
    </message>
    <message>
        <source>A job that was running when the app stopped may already have been charged.</source>
        <translation>应用停止时正在运行的任务可能已经计费。</translation>
    </message>
    <message>
        <source>Resume them</source>
        <translation>继续这些任务</translation>
    </message>
    <message>
        <source>No jobs yet. Press Generate (Ctrl+Enter).</source>
        <translation>还没有任务。按“生成”（Ctrl+Enter）。</translation>
    </message>
    <message>
        <source>Jobs</source>
        <translation>任务</translation>
    </message>
    <message>
        <source>Queue options</source>
        <translation>队列选项</translation>
    </message>
    <message>
        <source>%1 job(s) were interrupted when the app stopped and may already have been charged. Resuming asks only for the %2 image(s) not yet saved.</source>
        <translation>应用停止时有 %1 个任务被中断，可能已经计费。继续时只会请求尚未保存的 %2 张图片。</translation>
    </message>
    <message>
        <source>%1 running · %2 waiting</source>
        <translation>%1 个运行中 · %2 个等待中</translation>
    </message>
    <message>
        <source>%1 in a batch</source>
        <translation>%1 个在批处理中</translation>
    </message>
    <message>
        <source>Resume queue</source>
        <translation>恢复队列</translation>
    </message>
</context>
<context>
    <name>JobsStatus</name>
    <message>
        <source>Jobs</source>
        <translation>任务</translation>
    </message>
    <message>
        <source>Generation jobs running now and waiting in the queue</source>
        <translation>正在运行和在队列中等待的生成任务</translation>
    </message>
    <message>
        <source>No jobs running</source>
        <translation>没有正在运行的任务</translation>
    </message>
    <message>
        <source>Jobs: %1 running · %2 waiting</source>
        <translation>任务：%1 个运行中 · %2 个等待中</translation>
    </message>
    <message>
        <source>%1 in a batch</source>
        <translation>%1 个在批处理中</translation>
    </message>
</context>
<context>
    <name>KeyPage</name>
    <message>
        <source>Your OpenAI API key</source>
        <translation>你的 OpenAI API 密钥</translation>
    </message>
    <message>
        <source>The key is kept in your system&apos;s keyring, never in a file or a log.</source>
        <translation>密钥保存在系统密钥环中，绝不会写入文件或日志。</translation>
    </message>
    <message>
        <source>&lt;ol&gt;&lt;li&gt;Sign up or log in at &lt;a href=&apos;https://platform.openai.com/&apos;&gt;platform.openai.com&lt;/a&gt;.&lt;/li&gt;&lt;li&gt;In the developer console open &lt;a href=&apos;https://platform.openai.com/api-keys&apos;&gt;API keys&lt;/a&gt; and choose &lt;i&gt;Create new secret key&lt;/i&gt;. Copy it: it is shown only once.&lt;/li&gt;&lt;li&gt;Add credit under &lt;a href=&apos;https://platform.openai.com/settings/organization/billing&apos;&gt;Billing&lt;/a&gt;. The API is paid separately from a ChatGPT subscription; each image costs a few cents.&lt;/li&gt;&lt;li&gt;Paste the key below, save it and test the connection.&lt;/li&gt;&lt;/ol&gt;</source>
        <translation>&lt;ol&gt;&lt;li&gt;在 &lt;a href=&apos;https://platform.openai.com/&apos;&gt;platform.openai.com&lt;/a&gt; 注册或登录。&lt;/li&gt;&lt;li&gt;在开发者控制台打开 &lt;a href=&apos;https://platform.openai.com/api-keys&apos;&gt;API keys&lt;/a&gt;，选择 &lt;i&gt;Create new secret key&lt;/i&gt;（创建新密钥）。请立即复制：密钥只显示一次。&lt;/li&gt;&lt;li&gt;在 &lt;a href=&apos;https://platform.openai.com/settings/organization/billing&apos;&gt;Billing&lt;/a&gt;（账单）中充值。API 与 ChatGPT 订阅分开计费；每张图片约几美分。&lt;/li&gt;&lt;li&gt;将密钥粘贴到下方，保存并测试连接。&lt;/li&gt;&lt;/ol&gt;</translation>
    </message>
    <message>
        <source>Paste your API key (sk-…)</source>
        <translation>粘贴你的 API 密钥（sk-…）</translation>
    </message>
    <message>
        <source>API key</source>
        <translation>API 密钥</translation>
    </message>
    <message>
        <source>&amp;Save key</source>
        <translation>保存密钥(&amp;S)</translation>
    </message>
    <message>
        <source>Use for this session only</source>
        <translation>仅用于本次会话</translation>
    </message>
    <message>
        <source>&amp;Test connection</source>
        <translation>测试连接(&amp;T)</translation>
    </message>
    <message>
        <source>Tests the key typed above (or the saved one when the field is empty)</source>
        <translation>测试上面输入的密钥（输入框为空时测试已保存的密钥）</translation>
    </message>
    <message>
        <source>Key status</source>
        <extracomment>why Save is not offered: no secure keyring on this computer</extracomment>
        <translation>密钥状态</translation>
    </message>
    <message>
        <source>No key yet? Go Back and choose the demo; you can add a key later in Settings.</source>
        <translation>还没有密钥？点“上一步”选择演示模式；以后可以在设置中添加密钥。</translation>
    </message>
    <message>
        <source>No secure keyring was found on this computer (such as GNOME Keyring, KWallet, the macOS Keychain or the Windows Credential Manager), so the key cannot be saved. Use it for this session only, or set the OPENAI_API_KEY environment variable before starting imagestudio.</source>
        <translation>这台电脑上没有找到安全的密钥环（例如 GNOME Keyring、KWallet、macOS 钥匙串或 Windows 凭据管理器），因此无法保存密钥。可以只在本次会话中使用它，或在启动 imagestudio 之前设置 OPENAI_API_KEY 环境变量。</translation>
    </message>
    <message>
        <source>Paste a key first.</source>
        <translation>请先粘贴密钥。</translation>
    </message>
    <message>
        <source>for this session only</source>
        <translation>（仅本次会话）</translation>
    </message>
    <message>
        <source>in the system keyring</source>
        <translation>到系统密钥环</translation>
    </message>
    <message>
        <source>Key saved %1. Now test the connection.</source>
        <translation>密钥已保存%1。现在测试连接吧。</translation>
    </message>
    <message>
        <source>Testing…</source>
        <translation>正在测试…</translation>
    </message>
    <message>
        <source>Save it to keep it.</source>
        <translation>保存后即可一直使用。</translation>
    </message>
    <message>
        <source>Use it for this session only.</source>
        <translation>可在本次会话中使用。</translation>
    </message>
    <message>
        <source>This key works.</source>
        <translation>此密钥可用。</translation>
    </message>
</context>
<context>
    <name>LibraryActions</name>
    <message>
        <source>The library could not be changed: %1</source>
        <extracomment>A short human sentence for the status bar (a result or what went wrong). Whether Ctrl+Z has something to restore. A long operation (&quot;import&quot;, &quot;check&quot;) moved on: (name, done, total); total 0 while still counting. Emitted from worker threads too (Qt queues it to the GUI thread). ``progressEnded(name)`` when it stops.</extracomment>
        <translation>无法修改图库：%1</translation>
    </message>
    <message numerus="yes">
        <source>%n rejected image(s) moved to the trash</source>
        <translation>
            <numerusform>已将 %n 张已拒绝的图片移到废纸篓</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n image(s) stacked</source>
        <translation>
            <numerusform>已堆叠 %n 张图片</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n image(s) moved to the trash — Ctrl+Z brings them back</source>
        <translation>
            <numerusform>已将 %n 张图片移到回收站——按 Ctrl+Z 可恢复</numerusform>
        </translation>
    </message>
    <message>
        <source>Nothing to undo</source>
        <translation>没有可撤销的操作</translation>
    </message>
    <message numerus="yes">
        <source>%n image(s) restored from the trash</source>
        <translation>
            <numerusform>已从回收站恢复 %n 张图片</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n image(s) deleted for good</source>
        <translation>
            <numerusform>已永久删除 %n 张图片</numerusform>
        </translation>
    </message>
    <message>
        <source>(%1 file(s) could not be removed)</source>
        <translation>（有 %1 个文件无法删除）</translation>
    </message>
    <message>
        <source>%1 file(s) could not be removed</source>
        <translation>有 %1 个文件无法删除</translation>
    </message>
    <message>
        <source>Import cancelled: %1</source>
        <translation>导入已取消：%1</translation>
    </message>
    <message>
        <source>Importing… %1</source>
        <translation>正在导入… %1</translation>
    </message>
    <message>
        <source>Import finished: %1</source>
        <translation>导入完成：%1</translation>
    </message>
</context>
<context>
    <name>LibraryCheckDialog</name>
    <message>
        <source>Check library</source>
        <translation>检查图库</translation>
    </message>
    <message>
        <source>Looks for missing or damaged originals, files the library does not know, missing thumbnails and a search index out of step.</source>
        <translation>查找缺失或损坏的原图、图库不认识的文件、缺失的缩略图，以及与图库不一致的搜索索引。</translation>
    </message>
    <message>
        <source>Verify file contents (slower)</source>
        <translation>校验文件内容（较慢）</translation>
    </message>
    <message>
        <source>Reads every original and compares it with its checksum</source>
        <translation>读取每张原图并与其校验和比对</translation>
    </message>
    <message>
        <source>Repair what can be repaired</source>
        <translation>修复可以修复的问题</translation>
    </message>
    <message>
        <source>Rebuilds thumbnails and the search index and marks missing files; never deletes originals</source>
        <translation>重建缩略图和搜索索引，并标记缺失的文件；绝不删除原图</translation>
    </message>
    <message>
        <source>Check progress</source>
        <translation>检查进度</translation>
    </message>
    <message>
        <source>Check result</source>
        <translation>检查结果</translation>
    </message>
    <message>
        <source>Start check</source>
        <translation>开始检查</translation>
    </message>
    <message>
        <source>Cancel check</source>
        <translation>取消检查</translation>
    </message>
    <message>
        <source>The check was cancelled; nothing was repaired.</source>
        <translation>检查已取消；未做任何修复。</translation>
    </message>
    <message numerus="yes">
        <source>Checked %n image(s).</source>
        <translation>
            <numerusform>已检查 %n 张图片。</numerusform>
        </translation>
    </message>
    <message>
        <source>The library database is damaged: %1</source>
        <translation>图库数据库已损坏：%1</translation>
    </message>
    <message>
        <source>Missing originals: %1</source>
        <translation>缺失的原图：%1</translation>
    </message>
    <message>
        <source>Damaged originals (content does not match): %1</source>
        <translation>损坏的原图（内容不匹配）：%1</translation>
    </message>
    <message>
        <source>Files the library does not know: %1</source>
        <translation>图库不认识的文件：%1</translation>
    </message>
    <message>
        <source>Missing thumbnails: %1</source>
        <translation>缺失的缩略图：%1</translation>
    </message>
    <message>
        <source>The search index is out of step.</source>
        <translation>搜索索引与图库不一致。</translation>
    </message>
    <message>
        <source>No problems found.</source>
        <translation>未发现问题。</translation>
    </message>
    <message numerus="yes">
        <source>Repaired: %n problem(s).</source>
        <translation>
            <numerusform>已修复：%n 个问题。</numerusform>
        </translation>
    </message>
    <message>
        <source>Could not repair: %1</source>
        <translation>无法修复：%1</translation>
    </message>
</context>
<context>
    <name>LibrarySidebar</name>
    <message>
        <source>Library</source>
        <translation>图库</translation>
    </message>
    <message>
        <source>All images</source>
        <translation>全部图片</translation>
    </message>
    <message>
        <source>★ Favourites</source>
        <translation>★ 收藏</translation>
    </message>
    <message>
        <source>Trash</source>
        <translation>回收站</translation>
    </message>
    <message>
        <source>Collections</source>
        <translation>合集</translation>
    </message>
    <message>
        <source>Saved searches</source>
        <translation>已保存的搜索</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>标签</translation>
    </message>
</context>
<context>
    <name>LineageView</name>
    <message>
        <source>Step</source>
        <translation>步骤</translation>
    </message>
    <message>
        <source>Change from parent</source>
        <translation>相对上一版的变化</translation>
    </message>
    <message>
        <source>Steps of this image&apos;s lineage</source>
        <translation>这张图像谱系中的各个步骤</translation>
    </message>
    <message>
        <source>Compare</source>
        <translation>对比</translation>
    </message>
    <message>
        <source>Ctrl+click a second step, then compare the two side by side</source>
        <translation>按住 Ctrl 点击第二个步骤，然后并排对比两者</translation>
    </message>
    <message>
        <source>This image has no edits before or after it.</source>
        <translation>这张图片前后都没有编辑记录。</translation>
    </message>
    <message>
        <source>Refine</source>
        <translation>对话修改</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>编辑</translation>
    </message>
    <message>
        <source>Refine turn #%1 from #%2, instruction:</source>
        <translation>从 #%2 对话修改得到的 #%1，指令：</translation>
    </message>
    <message>
        <source>Prompt of #%1, compared with #%2:</source>
        <translation>#%1 的提示词，与 #%2 对比：</translation>
    </message>
    <message>
        <source>Compare #%1 with #%2.</source>
        <translation>对比 #%1 与 #%2。</translation>
    </message>
    <message>
        <source>Select only two steps to compare.</source>
        <translation>只选择两个步骤进行对比。</translation>
    </message>
    <message>
        <source>Ctrl+click another step to compare the two.</source>
        <translation>按住 Ctrl 点击另一个步骤，即可对比两者。</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Provider &amp;profiles…</source>
        <extracomment>Emitted once when the person closes the window; main.py then drains tasks and quits. Settings in their own window: the gallery gets the width (File → Settings…, Ctrl+,, the banner) Settings → Budget (monthly budget, this month&apos;s spend) Settings → Provider profile (active profile, Profiles… dialog) which dividers the person has placed (or a saved layout restored): those keep their place</extracomment>
        <translation>服务商配置(&amp;P)…</translation>
    </message>
    <message>
        <source>Ready</source>
        <extracomment>View (panes, theme), Presets (toolbar + menu), Help → Keyboard shortcuts / Getting started viewer, compare, export, copy/paste, drag-out of the gallery (ui/viewer/media_actions.py) asks what to do with unfinished jobs on quit (tests replace it)</extracomment>
        <translation>就绪</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <extracomment>jobs count, import/check progress with Cancel, notifications, File → Check library… (ui/status_bar.py)</extracomment>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>设置(&amp;S)…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;About imagestudio</source>
        <translation>关于 imagestudio(&amp;A)</translation>
    </message>
    <message>
        <source>About imagestudio</source>
        <translation>关于 imagestudio</translation>
    </message>
    <message>
        <source>imagestudio %1
Make and keep images with the OpenAI Images API.</source>
        <translation>imagestudio %1
使用 OpenAI 图像 API 生成并保存图片。</translation>
    </message>
    <message>
        <source>Job queued</source>
        <translation>任务已加入队列</translation>
    </message>
    <message>
        <source>Job %1 finished</source>
        <translation>任务 %1 已完成</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>No API key yet: you are using the offline demo provider (free; images are marked DEMO). Paste an OpenAI key in Settings to make real images.</source>
        <translation>还没有 API 密钥：你正在使用离线演示服务（免费；图片带有 DEMO 标记）。在设置中粘贴 OpenAI 密钥即可生成真实图片。</translation>
    </message>
    <message>
        <source>Add key…</source>
        <translation>添加密钥…</translation>
    </message>
    <message>
        <source>No API key is set for this provider.</source>
        <translation>此服务商尚未设置 API 密钥。</translation>
    </message>
    <message>
        <source>Use the demo provider</source>
        <translation>使用演示服务</translation>
    </message>
    <message>
        <source>No secure system keyring was found: your key is kept for this session only.</source>
        <translation>未找到安全的系统密钥环：你的密钥仅在本次会话中保留。</translation>
    </message>
    <message>
        <source>Quitting when the running jobs have finished; the waiting ones stay queued…</source>
        <translation>运行中的任务完成后将退出；等待中的任务保留在队列中…</translation>
    </message>
    <message>
        <source>Quitting when the jobs have finished…</source>
        <translation>任务完成后将退出…</translation>
    </message>
</context>
<context>
    <name>MaskCanvas</name>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Text of the note:</source>
        <translation>备注文字：</translation>
    </message>
</context>
<context>
    <name>MaskPainterDialog</name>
    <message>
        <source>Mask and markup</source>
        <translation>蒙版与标注</translation>
    </message>
    <message>
        <source>Mask</source>
        <translation>蒙版</translation>
    </message>
    <message>
        <source>Markup</source>
        <translation>标注</translation>
    </message>
    <message>
        <source>Arrows, strokes and notes that guide the edit (2.5+ models)</source>
        <translation>用箭头、笔画和备注引导编辑（2.5 及以上模型）</translation>
    </message>
    <message>
        <source>Brush</source>
        <translation>画笔</translation>
    </message>
    <message>
        <source>Eraser</source>
        <translation>橡皮擦</translation>
    </message>
    <message>
        <source>Arrow</source>
        <translation>箭头</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Brush size</source>
        <translation>画笔大小</translation>
    </message>
    <message>
        <source>Brush size in image pixels ([ smaller, ] larger)</source>
        <translation>画笔大小，以图片像素计（[ 变小，] 变大）</translation>
    </message>
    <message>
        <source>Smaller brush</source>
        <translation>缩小画笔</translation>
    </message>
    <message>
        <source>Larger brush</source>
        <translation>放大画笔</translation>
    </message>
    <message>
        <source>Invert</source>
        <translation>反转</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <source>Colour…</source>
        <translation>颜色…</translation>
    </message>
    <message>
        <source>Brush &amp;size</source>
        <translation>画笔大小(&amp;S)</translation>
    </message>
    <message>
        <source>%1 px</source>
        <translation>%1 像素</translation>
    </message>
    <message>
        <source>Markup colour</source>
        <translation>标注颜色</translation>
    </message>
</context>
<context>
    <name>MediaActions</name>
    <message>
        <source>&amp;Open in viewer</source>
        <translation>在查看器中打开(&amp;O)</translation>
    </message>
    <message>
        <source>Co&amp;mpare selected</source>
        <translation>对比所选图片(&amp;M)</translation>
    </message>
    <message>
        <source>&amp;Export…</source>
        <translation>导出(&amp;E)…</translation>
    </message>
    <message>
        <source>Export everything shown as ZIP…</source>
        <extracomment>every image the gallery shows (a collection, a saved search, a search) as one ZIP, by default</extracomment>
        <translation>将显示的全部图片导出为 ZIP…</translation>
    </message>
    <message>
        <source>&amp;Copy image</source>
        <translation>复制图片(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Paste image as edit input</source>
        <translation>粘贴图片作为编辑输入(&amp;P)</translation>
    </message>
    <message>
        <source>E&amp;dit selected</source>
        <extracomment>the selected images (1–16) become the prompt editor&apos;s edit inputs and the edit&apos;s parents</extracomment>
        <translation>编辑所选图片(&amp;D)</translation>
    </message>
    <message>
        <source>&amp;Reuse settings</source>
        <extracomment>the first selected image&apos;s settings in a new prompt draft (as the viewer&apos;s &quot;Reuse settings&quot;)</extracomment>
        <translation>复用设置(&amp;R)</translation>
    </message>
    <message>
        <source>Re&amp;fine in conversation…</source>
        <extracomment>talk to the selected image: the viewer&apos;s Refine tab (ui/viewer/refine_panel.py)</extracomment>
        <translation>对话修改(&amp;F)…</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <source>Viewer</source>
        <translation>查看器</translation>
    </message>
    <message>
        <source>Compare</source>
        <translation>对比</translation>
    </message>
    <message>
        <source>Select two or more images to compare.</source>
        <translation>请选择两张或更多图片进行对比。</translation>
    </message>
    <message>
        <source>Select images to export.</source>
        <translation>请选择要导出的图片。</translation>
    </message>
    <message>
        <source>Nothing shown to export.</source>
        <translation>没有可导出的图片。</translation>
    </message>
    <message numerus="yes">
        <source>Copied %n image(s)</source>
        <translation>
            <numerusform>已复制 %n 张图片</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n image(s) were still loading and were left out of the drag.</source>
        <translation>
            <numerusform>有 %n 张图片仍在加载，未包含在拖放中。</numerusform>
        </translation>
    </message>
    <message>
        <source>Select the images to edit.</source>
        <translation>请选择要编辑的图片。</translation>
    </message>
    <message>
        <source>An edit takes at most 16 images; the first 16 are used.</source>
        <translation>一次编辑最多使用 16 张图片；将使用前 16 张。</translation>
    </message>
</context>
<context>
    <name>MetadataPanel</name>
    <message>
        <source>Enhanced prompt</source>
        <extracomment>a GenerationRequest with this image&apos;s settings (opened as a new draft, never over the current one) a parent id was clicked</extracomment>
        <translation>优化后的提示词</translation>
    </message>
    <message>
        <source>Prompt</source>
        <translation>提示词</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Provider</source>
        <translation>服务商</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>尺寸</translation>
    </message>
    <message>
        <source>Format</source>
        <translation>格式</translation>
    </message>
    <message>
        <source>File size</source>
        <translation>文件大小</translation>
    </message>
    <message>
        <source>Cost</source>
        <translation>费用</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>创建时间</translation>
    </message>
    <message>
        <source>Parents</source>
        <translation>来源图片</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>标签</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>C2PA</source>
        <translation>C2PA</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>参数</translation>
    </message>
    <message>
        <source>Reuse settings</source>
        <translation>复用设置</translation>
    </message>
    <message>
        <source>Open these settings in a new prompt draft</source>
        <translation>在新的提示词草稿中使用这些设置</translation>
    </message>
    <message>
        <source>Copy prompt</source>
        <translation>复制提示词</translation>
    </message>
    <message>
        <source> (demo)</source>
        <translation>（演示）</translation>
    </message>
    <message>
        <source>missing</source>
        <translation>缺失</translation>
    </message>
    <message>
        <source>free (demo)</source>
        <translation>免费（演示）</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>present (provider&apos;s signed manifest)</source>
        <translation>有（服务商签名清单）</translation>
    </message>
</context>
<context>
    <name>Notification</name>
    <message>
        <source>Notification</source>
        <extracomment>how long a card stays (a card with Details stays longer: the person may want to open it)</extracomment>
        <translation>通知</translation>
    </message>
    <message>
        <source>Close notification</source>
        <translation>关闭通知</translation>
    </message>
    <message>
        <source>Details…</source>
        <translation>详情…</translation>
    </message>
    <message>
        <source>Opens the full report</source>
        <translation>打开完整报告</translation>
    </message>
</context>
<context>
    <name>OnboardingWizard</name>
    <message>
        <source>Getting started</source>
        <translation>入门向导</translation>
    </message>
</context>
<context>
    <name>OperationProgress</name>
    <message>
        <source>Progress</source>
        <translation>进度</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Stops the running import or library check</source>
        <translation>停止正在进行的导入或图库检查</translation>
    </message>
    <message>
        <source>Importing…</source>
        <translation>正在导入…</translation>
    </message>
    <message>
        <source>Checking the library…</source>
        <translation>正在检查图库…</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
</context>
<context>
    <name>OptionLabels</name>
    <message>
        <source>Automatic</source>
        <translation>自动</translation>
    </message>
    <message>
        <source>None</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Minimal</source>
        <translation>最低</translation>
    </message>
    <message>
        <source>Low</source>
        <translation>低</translation>
    </message>
    <message>
        <source>Medium</source>
        <translation>中</translation>
    </message>
    <message>
        <source>High</source>
        <translation>高</translation>
    </message>
    <message>
        <source>Extra high</source>
        <translation>超高</translation>
    </message>
    <message>
        <source>Maximum</source>
        <translation>最高</translation>
    </message>
    <message>
        <source>Opaque</source>
        <translation>不透明</translation>
    </message>
    <message>
        <source>Transparent</source>
        <translation>透明</translation>
    </message>
    <message>
        <source>Demo</source>
        <translation>演示</translation>
    </message>
    <message>
        <source>Custom server</source>
        <translation>自定义服务器</translation>
    </message>
</context>
<context>
    <name>OptionsForm</name>
    <message>
        <source>Size</source>
        <extracomment>Some option changed: name, value (the editor remembers it in settings).</extracomment>
        <translation>尺寸</translation>
    </message>
    <message>
        <source>A preset, &apos;auto&apos;, or any WIDTHxHEIGHT the model allows (custom size)</source>
        <translation>预设尺寸、“auto”，或模型允许的任意 宽x高（自定义尺寸）</translation>
    </message>
    <message>
        <source>Quality</source>
        <translation>质量</translation>
    </message>
    <message>
        <source>Number of images</source>
        <translation>图片数量</translation>
    </message>
    <message>
        <source>Output format</source>
        <translation>输出格式</translation>
    </message>
    <message>
        <source>Compression</source>
        <translation>压缩</translation>
    </message>
    <message>
        <source>JPEG and WebP only; 100 = least compression</source>
        <translation>仅限 JPEG 和 WebP；100 = 压缩最少</translation>
    </message>
    <message>
        <source>Background</source>
        <translation>背景</translation>
    </message>
    <message>
        <source>Moderation</source>
        <translation>内容审核</translation>
    </message>
    <message>
        <source>Complexity</source>
        <translation>复杂度</translation>
    </message>
    <message>
        <source>Planning effort, separate from rendering quality</source>
        <translation>构思投入程度，与渲染质量无关</translation>
    </message>
    <message>
        <source>Partial previews</source>
        <translation>中间预览</translation>
    </message>
    <message>
        <source>Stream 0–3 previews while the image is made (only the final one is kept)</source>
        <translation>生成过程中流式显示 0–3 张预览（只保留最终图片）</translation>
    </message>
    <message>
        <source>GIF frames</source>
        <translation>GIF 帧数</translation>
    </message>
    <message>
        <source>GIF frame duration</source>
        <translation>GIF 帧时长</translation>
    </message>
    <message>
        <source>&amp;Size</source>
        <translation>尺寸(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Quality</source>
        <translation>质量(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Count</source>
        <translation>数量(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Format</source>
        <extracomment>the options most requests leave alone: the editor puts them under &quot;More options&quot;</extracomment>
        <translation>格式(&amp;F)</translation>
    </message>
    <message>
        <source>Co&amp;mpression</source>
        <translation>压缩(&amp;M)</translation>
    </message>
    <message>
        <source>&amp;Background</source>
        <translation>背景(&amp;B)</translation>
    </message>
    <message>
        <source>M&amp;oderation</source>
        <translation>内容审核(&amp;O)</translation>
    </message>
    <message>
        <source>Com&amp;plexity</source>
        <translation>复杂度(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Previews</source>
        <translation>预览(&amp;P)</translation>
    </message>
    <message>
        <source>Frame duration</source>
        <translation>帧时长</translation>
    </message>
    <message>
        <source> (preview access)</source>
        <translation>（预览权限）</translation>
    </message>
    <message>
        <source>default</source>
        <translation>默认</translation>
    </message>
    <message>
        <source>Above 2560×1440 is experimental.</source>
        <translation>超过 2560×1440 属于实验性尺寸。</translation>
    </message>
    <message numerus="yes">
        <source>%n preview(s)</source>
        <translation>
            <numerusform>%n 张预览</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PresetFillDialog</name>
    <message>
        <source>Use preset: %1</source>
        <translation>使用预设：%1</translation>
    </message>
    <message>
        <source>Leave empty to use the example shown</source>
        <translation>留空则使用显示的示例</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>尺寸</translation>
    </message>
    <message>
        <source>Size:</source>
        <translation>尺寸：</translation>
    </message>
    <message>
        <source>Prompt preview</source>
        <translation>提示词预览</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>Fill the prompt</source>
        <translation>填入提示词</translation>
    </message>
    <message>
        <source>Prompt:</source>
        <translation>提示词：</translation>
    </message>
</context>
<context>
    <name>PresetPicker</name>
    <message>
        <source>Preset</source>
        <extracomment>The person asked to manage presets (the main window opens the dialog). opens the fill dialog and returns it after it closes (tests replace it to avoid a modal loop)</extracomment>
        <translation>预设</translation>
    </message>
    <message>
        <source>Start from a prompt template for a common use</source>
        <translation>从常见用途的提示词模板开始</translation>
    </message>
    <message>
        <source>Pre&amp;set:</source>
        <translation>预设(&amp;S)：</translation>
    </message>
    <message>
        <source>&amp;Use…</source>
        <translation>使用(&amp;U)…</translation>
    </message>
    <message>
        <source>Use the chosen preset</source>
        <translation>使用所选预设</translation>
    </message>
    <message>
        <source>Manage…</source>
        <translation>管理…</translation>
    </message>
    <message>
        <source>Manage presets</source>
        <translation>管理预设</translation>
    </message>
    <message>
        <source>Choose a preset…</source>
        <translation>选择预设…</translation>
    </message>
</context>
<context>
    <name>PresetsDialog</name>
    <message>
        <source>Presets</source>
        <extracomment>file choosers (tests replace them): return a path or None</extracomment>
        <translation>预设</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>描述</translation>
    </message>
    <message>
        <source>Prompt template</source>
        <translation>提示词模板</translation>
    </message>
    <message>
        <source>Write {name} where a variable goes, e.g. {subject}</source>
        <translation>在需要变量的地方写 {名称}，例如 {subject}</translation>
    </message>
    <message>
        <source>A watercolour of {subject} in {season}</source>
        <translation>{season}里的{subject}，水彩画</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>尺寸</translation>
    </message>
    <message>
        <source>keep current, or e.g. 1536x1024</source>
        <translation>保持当前，或如 1536x1024</translation>
    </message>
    <message>
        <source>Quality</source>
        <translation>质量</translation>
    </message>
    <message>
        <source>Format</source>
        <translation>格式</translation>
    </message>
    <message>
        <source>Background</source>
        <translation>背景</translation>
    </message>
    <message>
        <source>keep current</source>
        <translation>保持当前</translation>
    </message>
    <message>
        <source>Number of images</source>
        <translation>图片数量</translation>
    </message>
    <message>
        <source>Built-in presets cannot be changed: duplicate one to make it yours.</source>
        <translation>内置预设不能修改：复制一份即可变成你自己的。</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>名称(&amp;N)：</translation>
    </message>
    <message>
        <source>&amp;Description:</source>
        <translation>描述(&amp;D)：</translation>
    </message>
    <message>
        <source>&amp;Template:</source>
        <translation>模板(&amp;T)：</translation>
    </message>
    <message>
        <source>Si&amp;ze:</source>
        <translation>尺寸(&amp;Z)：</translation>
    </message>
    <message>
        <source>&amp;Quality:</source>
        <translation>质量(&amp;Q)：</translation>
    </message>
    <message>
        <source>&amp;Format:</source>
        <translation>格式(&amp;F)：</translation>
    </message>
    <message>
        <source>&amp;Background:</source>
        <translation>背景(&amp;B)：</translation>
    </message>
    <message>
        <source>&amp;Count:</source>
        <translation>数量(&amp;C)：</translation>
    </message>
    <message>
        <source>New</source>
        <translation>新建</translation>
    </message>
    <message>
        <source>From current prompt</source>
        <translation>从当前提示词</translation>
    </message>
    <message>
        <source>Duplicate</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Import…</source>
        <translation>导入…</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <source> (built-in)</source>
        <translation>（内置）</translation>
    </message>
    <message>
        <source>Fill in a name and a template, then Save.</source>
        <translation>填写名称和模板，然后保存。</translation>
    </message>
    <message>
        <source>Name it and Save. Tip: replace a word with {subject} to make it a variable.</source>
        <translation>起个名字并保存。提示：把某个词换成 {subject} 就变成了变量。</translation>
    </message>
    <message>
        <source>%1 (copy)</source>
        <translation>%1（副本）</translation>
    </message>
    <message>
        <source>Change what you like, then Save.</source>
        <translation>按需修改，然后保存。</translation>
    </message>
    <message>
        <source>✔ Saved.</source>
        <translation>✔ 已保存。</translation>
    </message>
    <message>
        <source>✔ Deleted “%1”.</source>
        <translation>✔ 已删除“%1”。</translation>
    </message>
    <message>
        <source>Import presets</source>
        <translation>导入预设</translation>
    </message>
    <message>
        <source>Presets (*.json)</source>
        <translation>预设 (*.json)</translation>
    </message>
    <message>
        <source>Export presets</source>
        <translation>导出预设</translation>
    </message>
    <message numerus="yes">
        <source>✔ Imported %n preset(s).</source>
        <translation>
            <numerusform>✔ 已导入 %n 个预设。</numerusform>
        </translation>
    </message>
    <message>
        <source>✘ There are no presets of your own to export yet.</source>
        <translation>✘ 还没有可导出的自定义预设。</translation>
    </message>
    <message>
        <source>Could not write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
    <message numerus="yes">
        <source>✔ Exported %n preset(s) to %1.</source>
        <translation>
            <numerusform>✔ 已导出 %n 个预设到 %1。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ProfilesBox</name>
    <message>
        <source>Provider profile</source>
        <translation>服务商配置</translation>
    </message>
    <message>
        <source>Active provider profile</source>
        <translation>当前使用的服务商配置</translation>
    </message>
    <message>
        <source>Profiles…</source>
        <translation>配置…</translation>
    </message>
    <message>
        <source>None (use the provider above)</source>
        <translation>无（使用上方的服务商）</translation>
    </message>
    <message>
        <source>%1 (missing)</source>
        <translation>%1（缺失）</translation>
    </message>
</context>
<context>
    <name>ProfilesDialog</name>
    <message>
        <source>Azure OpenAI</source>
        <translation>Azure OpenAI</translation>
    </message>
    <message>
        <source>OpenAI-compatible server</source>
        <translation>OpenAI 兼容服务器</translation>
    </message>
    <message>
        <source>Demo (offline, free)</source>
        <translation>演示（离线，免费）</translation>
    </message>
    <message>
        <source>Provider profiles</source>
        <translation>服务商配置</translation>
    </message>
    <message>
        <source>Profiles</source>
        <translation>配置</translation>
    </message>
    <message>
        <source>&amp;New profile</source>
        <translation>新建配置(&amp;N)</translation>
    </message>
    <message>
        <source>&amp;Delete profile</source>
        <translation>删除配置(&amp;D)</translation>
    </message>
    <message>
        <source>Profile name</source>
        <translation>配置名称</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Base URL</source>
        <translation>基础 URL</translation>
    </message>
    <message>
        <source>Azure endpoint</source>
        <translation>Azure 终结点</translation>
    </message>
    <message>
        <source>Deployment</source>
        <translation>部署</translation>
    </message>
    <message>
        <source>API version</source>
        <translation>API 版本</translation>
    </message>
    <message>
        <source>Capability overrides (JSON)</source>
        <translation>能力覆盖（JSON）</translation>
    </message>
    <message>
        <source>&amp;Save profile</source>
        <translation>保存配置(&amp;S)</translation>
    </message>
    <message>
        <source>API key for this profile</source>
        <translation>此配置的 API 密钥</translation>
    </message>
    <message>
        <source>Paste the API key</source>
        <translation>粘贴 API 密钥</translation>
    </message>
    <message>
        <source>Save &amp;key</source>
        <translation>保存密钥(&amp;K)</translation>
    </message>
    <message>
        <source>Use for this session only</source>
        <translation>仅在本次会话中使用</translation>
    </message>
    <message>
        <source>Delete key</source>
        <translation>删除密钥</translation>
    </message>
    <message>
        <source>&amp;Test connection</source>
        <translation>测试连接(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;Use this profile</source>
        <translation>使用此配置(&amp;U)</translation>
    </message>
    <message>
        <source>Use no p&amp;rofile</source>
        <translation>不使用配置(&amp;R)</translation>
    </message>
    <message>
        <source>Na&amp;me</source>
        <translation>名称(&amp;M)</translation>
    </message>
    <message>
        <source>K&amp;ind</source>
        <translation>类型(&amp;I)</translation>
    </message>
    <message>
        <source>&amp;API key</source>
        <translation>API 密钥(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;Base URL</source>
        <translation>基础 URL(&amp;B)</translation>
    </message>
    <message>
        <source>&amp;Endpoint</source>
        <translation>终结点(&amp;E)</translation>
    </message>
    <message>
        <source>De&amp;ployment</source>
        <translation>部署(&amp;P)</translation>
    </message>
    <message>
        <source>API &amp;version</source>
        <translation>API 版本(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Overrides</source>
        <translation>覆盖(&amp;O)</translation>
    </message>
    <message>
        <source>New jobs use the profile %1.</source>
        <translation>新任务使用配置 %1。</translation>
    </message>
    <message>
        <source>New jobs use the provider chosen in Settings (no profile).</source>
        <translation>新任务使用“设置”中选择的服务商（不使用配置）。</translation>
    </message>
    <message>
        <source>Save the profile first, then its key.</source>
        <translation>请先保存配置，再保存其密钥。</translation>
    </message>
    <message>
        <source>The profiles file could not be written: %1</source>
        <translation>无法写入配置文件：%1</translation>
    </message>
    <message>
        <source>Saved.</source>
        <translation>已保存。</translation>
    </message>
    <message>
        <source>Using %1 for this session only (not saved).</source>
        <translation>仅在本次会话中使用 %1（未保存）。</translation>
    </message>
    <message>
        <source>Key %1 is stored in the system keyring.</source>
        <translation>密钥 %1 已保存在系统密钥环中。</translation>
    </message>
    <message>
        <source>No key saved for this profile: it uses %1 from the OPENAI_API_KEY environment variable.</source>
        <translation>此配置没有保存的密钥：将使用环境变量 OPENAI_API_KEY 中的 %1。</translation>
    </message>
    <message>
        <source>No key set for this profile.</source>
        <translation>此配置尚未设置密钥。</translation>
    </message>
    <message>
        <source>No secure system keyring was found; the key can be used for this session only.</source>
        <translation>未找到安全的系统密钥环；密钥只能在本次会话中使用。</translation>
    </message>
    <message>
        <source>Paste a key first.</source>
        <translation>请先粘贴密钥。</translation>
    </message>
    <message>
        <source>Testing…</source>
        <translation>正在测试…</translation>
    </message>
</context>
<context>
    <name>PromptEditor</name>
    <message>
        <source>Prompt editor</source>
        <extracomment>A request that passed validation (GenerationRequest or EditRequest); the window hands it to the controller.</extracomment>
        <translation>提示词编辑器</translation>
    </message>
    <message>
        <source>Describe the image… 例如：雪中奔跑的红狐狸，电影感光线</source>
        <extracomment>asked before a request goes over the monthly budget (tests replace it) asked before a request estimated above Settings → Budget → Ask above is sent</extracomment>
        <translation>描述你想要的图片… 例如：雪中奔跑的红狐狸，电影感光线</translation>
    </message>
    <message>
        <source>Prompt</source>
        <translation>提示词</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Refresh models: hide those the server does not offer</source>
        <translation>刷新模型：隐藏服务器不提供的模型</translation>
    </message>
    <message>
        <source>&amp;Enhance prompt with %1</source>
        <translation>用 %1 优化提示词(&amp;E)</translation>
    </message>
    <message>
        <source>review first</source>
        <translation>先审阅</translation>
    </message>
    <message>
        <source>auto</source>
        <translation>自动</translation>
    </message>
    <message>
        <source>Enhancement mode</source>
        <translation>优化模式</translation>
    </message>
    <message>
        <source>What changed</source>
        <extracomment>what a preset or &quot;Reuse settings&quot; just changed (never silently); hidden at the next Generate</extracomment>
        <translation>更改了什么</translation>
    </message>
    <message>
        <source>More options</source>
        <translation>更多选项</translation>
    </message>
    <message>
        <source>The selected images are no longer in the library.</source>
        <extracomment>the figure beside Generate, for the request as it stands (the window gives it its estimate function)</extracomment>
        <translation>所选图片已不在图库中。</translation>
    </message>
    <message>
        <source> (retiring %1)</source>
        <translation>（将于 %1 下线）</translation>
    </message>
    <message>
        <source>Not offered by this server: %1</source>
        <translation>此服务器不提供：%1</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>编辑</translation>
    </message>
    <message>
        <source>enhance prompt</source>
        <translation>优化提示词</translation>
    </message>
    <message>
        <source>Not sent: this month&apos;s budget is spent (see Settings → Budget).</source>
        <translation>未发送：本月预算已用完（见 设置 → 预算）。</translation>
    </message>
    <message>
        <source>Not sent: its estimate is above the amount you asked to confirm.</source>
        <translation>未发送：预估费用高于你设定需要确认的金额。</translation>
    </message>
    <message>
        <source>Enhancing…</source>
        <translation>正在优化…</translation>
    </message>
    <message>
        <source>Prompt enhancement failed: %1</source>
        <translation>提示词优化失败：%1</translation>
    </message>
    <message>
        <source>Generate</source>
        <extracomment>under the scrolling form, always in view: what changed, the validation message, the estimate, Generate/Edit</extracomment>
        <translation>生成</translation>
    </message>
    <message>
        <source>Paste an image as edit input</source>
        <translation>粘贴图片作为编辑输入</translation>
    </message>
    <message>
        <source>&amp;Model</source>
        <translation>模型(&amp;M)</translation>
    </message>
    <message>
        <source>&lt;b&gt;Prompt&lt;/b&gt;</source>
        <translation>&lt;b&gt;提示词&lt;/b&gt;</translation>
    </message>
</context>
<context>
    <name>PromptFooter</name>
    <message>
        <source>Estimated cost</source>
        <translation>预估费用</translation>
    </message>
    <message>
        <source>What this request will cost (≈: an estimate, the price is not published)</source>
        <translation>此请求的费用（≈：估算值，价格未公布）</translation>
    </message>
    <message>
        <source>Generate</source>
        <translation>生成</translation>
    </message>
    <message>
        <source>Generate (Ctrl+Enter)</source>
        <translation>生成（Ctrl+Enter）</translation>
    </message>
    <message>
        <source>Batch (cheaper, within 24 h)</source>
        <extracomment>&quot;Now&quot; (unchecked) or through OpenAI&apos;s Batch API (core/batch/runner.py): about half the price, within 24 h</extracomment>
        <translation>批处理（更便宜，24 小时内）</translation>
    </message>
    <message>
        <source>Send through OpenAI&apos;s Batch API: about half the price; the images arrive within 24 hours, often sooner. The app collects them, also after a restart.</source>
        <translation>通过 OpenAI 批处理 API 发送：价格约为一半；图像在 24 小时内送达，通常更快。应用会取回它们，重启后也会。</translation>
    </message>
</context>
<context>
    <name>ProviderPage</name>
    <message>
        <source>Welcome to imagestudio</source>
        <translation>欢迎使用 imagestudio</translation>
    </message>
    <message>
        <source>Make images from a description and keep them in your own library.</source>
        <translation>根据文字描述生成图片，并保存在你自己的图库中。</translation>
    </message>
    <message>
        <source>&amp;OpenAI — use my own API key (paid per image)</source>
        <translation>OpenAI——使用我自己的 API 密钥（按图片付费）(&amp;O)</translation>
    </message>
    <message>
        <source>Try the &amp;demo — no key, free, works offline (images are marked DEMO)</source>
        <translation>试用演示——无需密钥、免费、可离线使用（图片带有 DEMO 标记）(&amp;D)</translation>
    </message>
    <message>
        <source>Another &amp;OpenAI-compatible server</source>
        <translation>其他兼容 OpenAI 的服务器(&amp;O)</translation>
    </message>
    <message>
        <source>Server address (base URL)</source>
        <translation>服务器地址（Base URL）</translation>
    </message>
    <message>
        <source>How do you want to make images?</source>
        <translation>你想用什么方式生成图片？</translation>
    </message>
    <message>
        <source>The base URL must start with http:// or https://</source>
        <translation>Base URL 必须以 http:// 或 https:// 开头</translation>
    </message>
</context>
<context>
    <name>RefineBox</name>
    <message>
        <source>Refine in conversation</source>
        <translation>对话修改</translation>
    </message>
    <message>
        <source>Text model for refining</source>
        <translation>用于对话修改的文本模型</translation>
    </message>
    <message>
        <source>The text model reads your instruction and calls the image tool; its tokens are billed too (shown in the estimate and the ledger).</source>
        <translation>文本模型读取你的指令并调用图像工具；它的 token 也会计费（显示在预估和账本中）。</translation>
    </message>
    <message>
        <source>Let OpenAI keep each refine step (store)</source>
        <translation>让 OpenAI 保存每一步修改</translation>
    </message>
    <message>
        <source>On (OpenAI&apos;s default): OpenAI keeps each response, your instruction and the image, on its servers for a limited time (see OpenAI&apos;s data controls), so the next step continues the same conversation by its id and the style does not drift. Off: the response is not kept for later use; each step sends the image again (more input tokens, and the style may drift a little).</source>
        <translation>开启（OpenAI 的默认）：OpenAI 会在其服务器上保存每个响应、你的指令和图像一段时间（见 OpenAI 的数据控制说明），下一步可按其 ID 延续同一对话，风格不会漂移。关闭：响应不会保留供以后使用；每一步都会重新发送图像（输入 token 更多，风格可能略有漂移）。</translation>
    </message>
    <message>
        <source>&amp;Text model:</source>
        <translation>文本模型(&amp;T)：</translation>
    </message>
</context>
<context>
    <name>RefinePanel</name>
    <message>
        <source>What to change, e.g. “now make it dusk, keep the fox”</source>
        <translation>要改什么，例如“改成黄昏，保留狐狸”</translation>
    </message>
    <message>
        <source>Refine instruction</source>
        <translation>修改指令</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>发送</translation>
    </message>
    <message>
        <source>Refine this image with the instruction (Ctrl+Enter)</source>
        <translation>按指令修改这张图像（Ctrl+Enter）</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Stop this refine step (Esc); a request already sent may be charged</source>
        <translation>停止这一步修改（Esc）；已发出的请求可能已计费</translation>
    </message>
    <message>
        <source>Back to parent</source>
        <translation>回到上一步</translation>
    </message>
    <message>
        <source>Undo a step: show the image this one was refined or edited from</source>
        <translation>撤销一步：显示这张图像由之修改或编辑而来的那张</translation>
    </message>
    <message>
        <source>No image.</source>
        <translation>没有图像。</translation>
    </message>
    <message>
        <source>Refining needs the app&apos;s queue (not available here).</source>
        <translation>对话修改需要应用的任务队列（此处不可用）。</translation>
    </message>
    <message>
        <source>continues its stored conversation</source>
        <translation>延续已保存的对话</translation>
    </message>
    <message>
        <source>the image is sent with the instruction</source>
        <translation>图像会随指令一起发送</translation>
    </message>
    <message>
        <source>Refine #%1 (%2).</source>
        <translation>修改 #%1（%2）。</translation>
    </message>
    <message>
        <source>Refine this image with the instruction (Ctrl+Enter); estimated %1</source>
        <translation>按指令修改这张图像（Ctrl+Enter）；预计 %1</translation>
    </message>
    <message>
        <source>Sending… the result opens here when it arrives.</source>
        <translation>正在发送…结果到达后会在这里打开。</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <source>Done: the model made %1 images (%2); the last is shown, all are in the lineage.</source>
        <translation>完成：模型生成了 %1 张图像（%2）；显示的是最后一张，全部都在编辑历程中。</translation>
    </message>
    <message>
        <source>Done: #%1. Refine it again, or go back to any step.</source>
        <translation>完成：#%1。可以继续修改，或回到任意一步。</translation>
    </message>
    <message>
        <source>Cancelled. The instruction is kept: edit it and send it again.</source>
        <translation>已取消。指令已保留：可修改后再次发送。</translation>
    </message>
    <message>
        <source>The refine step failed.</source>
        <translation>这一步修改失败了。</translation>
    </message>
</context>
<context>
    <name>SearchBar</name>
    <message>
        <source>Search prompts, tags, notes… (Ctrl+F)</source>
        <extracomment>How long typing must pause before the query runs (each run is off the GUI thread anyway).</extracomment>
        <translation>搜索提示词、标签、备注…（Ctrl+F）</translation>
    </message>
    <message>
        <source>Search the library</source>
        <translation>搜索图库</translation>
    </message>
    <message>
        <source>Sort</source>
        <translation>排序</translation>
    </message>
    <message>
        <source>Newest first</source>
        <translation>最新优先</translation>
    </message>
    <message>
        <source>Oldest first</source>
        <translation>最早优先</translation>
    </message>
    <message>
        <source>Largest first</source>
        <translation>最大优先</translation>
    </message>
    <message>
        <source>Most expensive first</source>
        <translation>最贵优先</translation>
    </message>
    <message>
        <source>Highest rated first</source>
        <translation>评分最高优先</translation>
    </message>
    <message>
        <source>Only favourites</source>
        <translation>仅收藏</translation>
    </message>
    <message>
        <source>Save search…</source>
        <translation>保存搜索…</translation>
    </message>
    <message>
        <source>Keep this search in the sidebar; it updates itself as images arrive</source>
        <translation>把此搜索保留在侧栏中；有新图片时会自动更新</translation>
    </message>
</context>
<context>
    <name>SettingChanges</name>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Quality</source>
        <translation>质量</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>尺寸</translation>
    </message>
    <message>
        <source>Images</source>
        <translation>张数</translation>
    </message>
    <message>
        <source>Format</source>
        <translation>格式</translation>
    </message>
    <message>
        <source>Background</source>
        <translation>背景</translation>
    </message>
    <message>
        <source>default</source>
        <translation>默认</translation>
    </message>
    <message>
        <source>%n edit image(s)</source>
        <translation>%n 张待编辑图片</translation>
    </message>
    <message>
        <source>the mask</source>
        <translation>蒙版</translation>
    </message>
    <message>
        <source>the markup</source>
        <translation>标注</translation>
    </message>
    <message>
        <source>%1 and %2</source>
        <translation>%1和%2</translation>
    </message>
    <message>
        <source>Preset &apos;%1&apos; set %2</source>
        <translation>预设“%1”设置了 %2</translation>
    </message>
    <message>
        <source>Preset &apos;%1&apos; filled the prompt; the settings were already right</source>
        <translation>预设“%1”已填入提示词；设置本来就符合</translation>
    </message>
    <message>
        <source>; cleared %1 (a preset starts a new image, not an edit)</source>
        <translation>；已清除%1（预设是生成新图片，而不是编辑）</translation>
    </message>
    <message>
        <source>Reused settings in a new draft: %1.</source>
        <translation>已在新草稿中沿用设置：%1。</translation>
    </message>
    <message>
        <source>Reused settings in a new draft (the same as before).</source>
        <translation>已在新草稿中沿用设置（与之前相同）。</translation>
    </message>
    <message>
        <source>No edit images or mask are reused; the previous draft keeps its %1.</source>
        <translation>不会沿用待编辑图片或蒙版；之前的草稿保留它的%1。</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
</context>
<context>
    <name>SettingsPane</name>
    <message>
        <source>Demo (offline, free)</source>
        <translation>演示（离线，免费）</translation>
    </message>
    <message>
        <source>Custom OpenAI-compatible server</source>
        <translation>自定义的兼容 OpenAI 的服务器</translation>
    </message>
    <message>
        <source>Provider</source>
        <translation>服务商</translation>
    </message>
    <message>
        <source>Base URL</source>
        <translation>基础 URL</translation>
    </message>
    <message>
        <source>Paste your API key (sk-…)</source>
        <extracomment>why the Base URL field is greyed out (OpenAI and the demo have their own address, or none)</extracomment>
        <translation>粘贴你的 API 密钥（sk-…）</translation>
    </message>
    <message>
        <source>API key</source>
        <translation>API 密钥</translation>
    </message>
    <message>
        <source>Save key</source>
        <translation>保存密钥</translation>
    </message>
    <message>
        <source>Use for this session only</source>
        <translation>仅用于本次会话</translation>
    </message>
    <message>
        <source>Delete key</source>
        <translation>删除密钥</translation>
    </message>
    <message>
        <source>Test connection</source>
        <translation>测试连接</translation>
    </message>
    <message>
        <source>&amp;Provider</source>
        <translation>服务商(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Base URL</source>
        <translation>基础 URL(&amp;B)</translation>
    </message>
    <message>
        <source>API &amp;key</source>
        <translation>API 密钥(&amp;K)</translation>
    </message>
    <message>
        <source>&lt;b&gt;Settings&lt;/b&gt;</source>
        <translation>&lt;b&gt;设置&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Not used: the demo makes images offline. Only a custom server needs a base URL.</source>
        <translation>未使用：演示模式离线生成图片。只有自定义服务器才需要基础 URL。</translation>
    </message>
    <message>
        <source>Not used: OpenAI&apos;s own address is used. Only a custom server needs a base URL.</source>
        <translation>未使用：将使用 OpenAI 自己的地址。只有自定义服务器才需要基础 URL。</translation>
    </message>
    <message>
        <source>The base URL must start with http:// or https://</source>
        <translation>Base URL 必须以 http:// 或 https:// 开头</translation>
    </message>
    <message>
        <source>No key set.</source>
        <translation>未设置密钥。</translation>
    </message>
    <message>
        <source>Using %1 from the OPENAI_API_KEY environment variable.</source>
        <translation>正在使用 OPENAI_API_KEY 环境变量中的 %1。</translation>
    </message>
    <message>
        <source>Using %1 for this session only (not saved).</source>
        <translation>本次会话使用 %1（未保存）。</translation>
    </message>
    <message>
        <source>Key %1 is stored in the system keyring.</source>
        <translation>密钥 %1 已保存在系统密钥环中。</translation>
    </message>
    <message>
        <source>No secure system keyring was found, so keys cannot be saved; you can use one for this session only.</source>
        <translation>未找到安全的系统密钥环，因此无法保存密钥；你可以仅在本次会话中使用。</translation>
    </message>
    <message>
        <source>Paste a key first.</source>
        <translation>请先粘贴密钥。</translation>
    </message>
    <message>
        <source>Testing…</source>
        <translation>正在测试…</translation>
    </message>
</context>
<context>
    <name>ShortcutsDialog</name>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>键盘快捷键</translation>
    </message>
    <message>
        <source>Filter…</source>
        <translation>筛选…</translation>
    </message>
    <message>
        <source>Filter shortcuts</source>
        <translation>筛选快捷键</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>按键</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <source>Where</source>
        <translation>位置</translation>
    </message>
    <message>
        <source>Gallery keys on a collapsed stack (stars, P, X, U, F, T, N, Del) act on its cover, the image its tile shows; press S to expand the stack and act on the others.</source>
        <translation>图库中对折叠的堆叠按键（星级、P、X、U、F、T、N、Del）只作用于其封面，即缩略图显示的那张图片；按 S 展开堆叠即可操作其他图片。</translation>
    </message>
</context>
<context>
    <name>StackActions</name>
    <message>
        <source>Stack selected</source>
        <translation>堆叠所选图片</translation>
    </message>
    <message>
        <source>Show the selected images (and their stacks) as one tile</source>
        <translation>将所选图片（及其所在堆叠）显示为一个缩略图</translation>
    </message>
    <message>
        <source>Unstack</source>
        <translation>取消堆叠</translation>
    </message>
    <message>
        <source>Remove from stack</source>
        <translation>移出堆叠</translation>
    </message>
    <message>
        <source>Use as stack cover</source>
        <translation>设为堆叠封面</translation>
    </message>
    <message>
        <source>Expand or collapse stack</source>
        <translation>展开或折叠堆叠</translation>
    </message>
    <message>
        <source>Select at least two images to stack them</source>
        <translation>请至少选择两张图片来堆叠</translation>
    </message>
    <message>
        <source>Stack</source>
        <translation>堆叠</translation>
    </message>
    <message>
        <source>Collapse stack</source>
        <translation>折叠堆叠</translation>
    </message>
    <message>
        <source>Expand stack</source>
        <translation>展开堆叠</translation>
    </message>
</context>
<context>
    <name>StatusFeedback</name>
    <message>
        <source>Check &amp;library…</source>
        <translation>检查图库(&amp;L)…</translation>
    </message>
    <message>
        <source>Look for missing or damaged files and repair the library</source>
        <translation>查找缺失或损坏的文件并修复图库</translation>
    </message>
</context>
<context>
    <name>TextDialog</name>
    <message>
        <source>Add tag</source>
        <translation>添加标签</translation>
    </message>
    <message>
        <source>Tag for %n image(s):</source>
        <translation>为 %n 张图片添加的标签：</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Note on this image:</source>
        <translation>此图片的备注：</translation>
    </message>
</context>
<context>
    <name>ThumbSizeControl</name>
    <message>
        <source>Thumbnail size</source>
        <extracomment>the thumbnail-size control&apos;s range (px; thumbnails are stored 256 px wide, a little more still looks fine) the hover buttons, right to left on the thumbnail&apos;s top edge</extracomment>
        <translation>缩略图大小</translation>
    </message>
    <message>
        <source>Thumbnail size (Ctrl+wheel over the gallery)</source>
        <translation>缩略图大小（在图库上按住 Ctrl 滚动滚轮）</translation>
    </message>
    <message>
        <source>Larger thumbnails</source>
        <translation>放大缩略图</translation>
    </message>
    <message>
        <source>Smaller thumbnails</source>
        <translation>缩小缩略图</translation>
    </message>
    <message>
        <source>Thumbnails</source>
        <translation>缩略图</translation>
    </message>
</context>
<context>
    <name>ViewerOrganiser</name>
    <message>
        <source>Favourite (F)</source>
        <extracomment>tests may replace the questions (parent, count, tags) / (parent, note)</extracomment>
        <translation>收藏（F）</translation>
    </message>
    <message>
        <source>Favourite</source>
        <translation>收藏</translation>
    </message>
    <message>
        <source>Tag…</source>
        <translation>标签…</translation>
    </message>
    <message>
        <source>Add a tag (T)</source>
        <translation>添加标签（T）</translation>
    </message>
    <message>
        <source>Note…</source>
        <translation>备注…</translation>
    </message>
    <message>
        <source>Edit the note (N)</source>
        <translation>编辑备注（N）</translation>
    </message>
    <message>
        <source>Rating 0–5 · P pick · X reject · U unflag</source>
        <translation>评分 0–5 · P 选用 · X 拒绝 · U 取消标记</translation>
    </message>
    <message>
        <source>Rating and flag</source>
        <translation>评分和标记</translation>
    </message>
    <message>
        <source>Picked</source>
        <extracomment>the library&apos;s tag names (the gallery&apos;s sidebar knows them); set by whoever opens the viewer</extracomment>
        <translation>已选用</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>已拒绝</translation>
    </message>
    <message>
        <source>Clear rating</source>
        <translation>清除评分</translation>
    </message>
    <message>
        <source>Rate %1</source>
        <translation>评为 %1</translation>
    </message>
    <message>
        <source>Pick</source>
        <translation>选用</translation>
    </message>
    <message>
        <source>Reject</source>
        <translation>拒绝</translation>
    </message>
    <message>
        <source>Unflag</source>
        <translation>取消标记</translation>
    </message>
</context>
<context>
    <name>ViewerWindow</name>
    <message>
        <source>Viewer</source>
        <translation>查看器</translation>
    </message>
    <message>
        <source>Previous (Left)</source>
        <translation>上一张（←）</translation>
    </message>
    <message>
        <source>Next (Right)</source>
        <translation>下一张（→）</translation>
    </message>
    <message>
        <source>Fit</source>
        <translation>适应窗口</translation>
    </message>
    <message>
        <source>Zoom to fit (0)</source>
        <translation>缩放以适应窗口（0）</translation>
    </message>
    <message>
        <source>Actual size (1)</source>
        <translation>实际大小（1）</translation>
    </message>
    <message>
        <source>Zoom out (-)</source>
        <translation>缩小（-）</translation>
    </message>
    <message>
        <source>Zoom in (+)</source>
        <translation>放大（+）</translation>
    </message>
    <message>
        <source>Full screen</source>
        <translation>全屏</translation>
    </message>
    <message>
        <source>Full screen (F11)</source>
        <translation>全屏（F11）</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Copy the image (Ctrl+C)</source>
        <translation>复制图片（Ctrl+C）</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <source>Export this image</source>
        <translation>导出这张图片</translation>
    </message>
    <message>
        <source>Compare</source>
        <translation>对比</translation>
    </message>
    <message>
        <source>Compare with the next image</source>
        <translation>与下一张图片对比</translation>
    </message>
    <message>
        <source>Details</source>
        <extracomment>favourite, tags and note of the shown image (ui/viewer/viewer_organise.py)</extracomment>
        <translation>详细信息</translation>
    </message>
    <message>
        <source>Lineage</source>
        <translation>编辑历程</translation>
    </message>
    <message>
        <source>Refine</source>
        <translation>对话修改</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <source>%1 of %2 in stack</source>
        <translation>堆叠中的第 %1 张，共 %2 张</translation>
    </message>
    <message>
        <source>Image #%1 is no longer in the library.</source>
        <translation>图片 #%1 已不在图库中。</translation>
    </message>
    <message>
        <source>The original file could not be shown: %1</source>
        <translation>无法显示原始文件：%1</translation>
    </message>
    <message>
        <source> (fit)</source>
        <translation>（适应）</translation>
    </message>
    <message>
        <source>Next image</source>
        <translation>下一张</translation>
    </message>
    <message>
        <source>Previous image</source>
        <translation>上一张</translation>
    </message>
    <message>
        <source>Zoom in</source>
        <translation>放大</translation>
    </message>
    <message>
        <source>Zoom out</source>
        <translation>缩小</translation>
    </message>
    <message>
        <source>Zoom to fit</source>
        <translation>缩放以适应窗口</translation>
    </message>
    <message>
        <source>Actual size</source>
        <translation>实际大小</translation>
    </message>
    <message>
        <source>Cancel the refine step, leave full screen or close</source>
        <translation>取消修改步骤、退出全屏或关闭</translation>
    </message>
    <message>
        <source>Copy the image</source>
        <translation>复制图片</translation>
    </message>
    <message>
        <source>Favourite</source>
        <translation>收藏</translation>
    </message>
    <message>
        <source>Add tag…</source>
        <translation>添加标签…</translation>
    </message>
    <message>
        <source>Edit note…</source>
        <translation>编辑备注…</translation>
    </message>
</context>
<context>
    <name>WatchBox</name>
    <message>
        <source>Watch folders</source>
        <translation>监视文件夹</translation>
    </message>
    <message>
        <source>Watch folders…</source>
        <translation>监视文件夹…</translation>
    </message>
    <message>
        <source>No folder is watched. New images saved into a watched folder are imported automatically.</source>
        <translation>尚未监视任何文件夹。保存到监视文件夹中的新图像会自动导入。</translation>
    </message>
    <message>
        <source>Watching %1 of %2 folder(s).</source>
        <translation>正在监视 %2 个文件夹中的 %1 个。</translation>
    </message>
    <message>
        <source>%1 cannot be read now (tried again at each scan).</source>
        <translation>%1 个暂时无法读取（每次扫描时重试）。</translation>
    </message>
</context>
<context>
    <name>WatchFoldersDialog</name>
    <message>
        <source>Watch folders</source>
        <translation>监视文件夹</translation>
    </message>
    <message>
        <source>Images saved into these folders — for example your browser&apos;s Downloads folder, where ChatGPT images land — are added to the library once they are completely written. The files stay where they are; the same image is never added twice.</source>
        <extracomment>the platform&apos;s own folder chooser when it has one; tests type into Qt&apos;s (False)</extracomment>
        <translation>保存到这些文件夹中的图像（例如浏览器的“下载”文件夹，ChatGPT 图像通常保存在那里）在完全写入后会添加到图库。文件保留在原处；同一图像不会重复添加。</translation>
    </message>
    <message>
        <source>Watched folders</source>
        <translation>监视的文件夹</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>文件夹</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Last scan</source>
        <translation>上次扫描</translation>
    </message>
    <message>
        <source>Imported</source>
        <translation>已导入</translation>
    </message>
    <message>
        <source>&amp;Add folder…</source>
        <translation>添加文件夹(&amp;A)…</translation>
    </message>
    <message>
        <source>&amp;Pause</source>
        <translation>暂停(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Remove</source>
        <translation>移除(&amp;R)</translation>
    </message>
    <message>
        <source>Stops watching the folder; its files and the imported images stay</source>
        <translation>停止监视该文件夹；其中的文件和已导入的图像都会保留</translation>
    </message>
    <message>
        <source>&amp;Scan now</source>
        <translation>立即扫描(&amp;S)</translation>
    </message>
    <message>
        <source>Include &amp;subfolders</source>
        <translation>包含子文件夹(&amp;S)</translation>
    </message>
    <message>
        <source>Also import images saved into folders inside the selected folder</source>
        <translation>同时导入保存到所选文件夹内子文件夹中的图像</translation>
    </message>
    <message>
        <source>&amp;Log (newest first)</source>
        <translation>日志（最新在前）(&amp;L)</translation>
    </message>
    <message>
        <source>What was imported, skipped or failed</source>
        <translation>已导入、已跳过或失败的文件</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>详情</translation>
    </message>
    <message>
        <source>not yet</source>
        <translation>尚未扫描</translation>
    </message>
    <message>
        <source>Already in the library</source>
        <translation>已在图库中</translation>
    </message>
    <message>
        <source>Skipped</source>
        <translation>已跳过</translation>
    </message>
    <message>
        <source>Failed, will retry</source>
        <translation>失败，将重试</translation>
    </message>
    <message>
        <source>Paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <source>Waiting for the first scan</source>
        <translation>等待首次扫描</translation>
    </message>
    <message>
        <source>Watching</source>
        <translation>监视中</translation>
    </message>
    <message>
        <source>Folder not found — tried again at each scan</source>
        <translation>找不到文件夹 — 每次扫描时重试</translation>
    </message>
    <message>
        <source>No access — tried again at each scan</source>
        <translation>无访问权限 — 每次扫描时重试</translation>
    </message>
    <message>
        <source>Not a folder — tried again at each scan</source>
        <translation>不是文件夹 — 每次扫描时重试</translation>
    </message>
    <message>
        <source>, with subfolders</source>
        <translation>，含子文件夹</translation>
    </message>
    <message>
        <source>%1 waiting until complete</source>
        <translation>%1 个等待写入完成</translation>
    </message>
    <message>
        <source>%1 still downloading</source>
        <translation>%1 个仍在下载</translation>
    </message>
    <message>
        <source>Res&amp;ume</source>
        <translation>继续(&amp;U)</translation>
    </message>
    <message>
        <source>Choose a folder to watch</source>
        <translation>选择要监视的文件夹</translation>
    </message>
</context>
<context>
    <name>WatchFoldersUi</name>
    <message>
        <source>&amp;Watch folders…</source>
        <translation>监视文件夹(&amp;W)…</translation>
    </message>
    <message>
        <source>Import new images from folders you choose, such as Downloads</source>
        <translation>从你选择的文件夹（如“下载”）导入新图像</translation>
    </message>
    <message>
        <source>1 image imported from %1</source>
        <translation>已从 %1 导入 1 张图像</translation>
    </message>
    <message>
        <source>%1 images imported from %2</source>
        <translation>已从 %2 导入 %1 张图像</translation>
    </message>
</context>
</TS>
