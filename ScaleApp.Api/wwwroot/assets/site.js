"use strict";

// Renders the first feed page with text nodes only, so post content can never inject markup.
async function showFeed() {
  const list = document.getElementById("feed");
  try {
    const response = await fetch("/api/posts?limit=20", { headers: { accept: "application/json" } });
    if (!response.ok) {
      throw new Error(`GET /api/posts returned ${response.status}`);
    }

    const page = await response.json();
    list.replaceChildren(...page.items.map((post) => {
      const item = document.createElement("li");
      const title = document.createElement("div");
      title.className = "title";
      title.textContent = post.title;
      const meta = document.createElement("div");
      meta.className = "meta";
      meta.textContent = `#${post.id} by user ${post.authorId}, ${new Date(post.createdAt).toLocaleString()}`;
      item.append(title, meta);
      return item;
    }));

    if (page.items.length === 0) {
      list.replaceChildren(Object.assign(document.createElement("li"), { textContent: "No posts yet." }));
    }
  } catch (error) {
    list.replaceChildren(Object.assign(document.createElement("li"), { textContent: `The feed could not be loaded: ${error.message}` }));
  }
}

showFeed();
