/**
 * The sigma set-up: one renderer for the page's life. New map data swaps in a
 * freshly built graph (`setGraph`); highlights, hover and risk markers only
 * change reducer inputs and refresh with `skipIndexation`. A 2D overlay layer
 * draws what is not in the graph: suggested links (dashed) and risk rings.
 */
import Sigma from 'sigma';
import { drawDiscNodeLabel } from 'sigma/rendering';
import type { CameraState } from 'sigma/types';
import type { Settings } from 'sigma/settings';
import { HIGHLIGHT_COLORS } from './colors.js';
import { buildGraph, type GraphData } from './graph.js';
import { atRest, baseZIndex, reduceEdge, reduceNode, type Highlight, type MapEdgeAttributes, type MapNodeAttributes, type ReducerContext } from './highlight.js';
import { LeanEdgeRectangleProgram, LeanNodeCircleProgram, cameraMoving } from './programs.js';

export type RiskMarker = 'broker' | 'spof' | 'articulation';

export const MARKER_COLORS: Record<RiskMarker, string> = {
  broker: '#f5d76e',
  spof: '#ff6b6b',
  articulation: '#ff9f43',
};

export interface MapViewEvents {
  nodeClick(id: string, attributes: MapNodeAttributes): void;
  stageClick(): void;
  cameraChange(state: CameraState): void;
}

type MapSigma = Sigma<MapNodeAttributes, MapEdgeAttributes>;
type LabelData = Parameters<Settings['defaultDrawNodeHover']>[1];
/** A drawn label's box in viewport pixels. */
export interface LabelBox {
  node: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

const overlaps = (a: LabelBox, b: LabelBox) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

const LABEL_FONT = 'Inter, "DejaVu Sans", system-ui, sans-serif';

/**
 * Beyond these sizes, edges and labels are hidden while the camera moves
 * (sigma's hideEdgesOnMove / hideLabelsOnMove) and come back in the still
 * frame after the move: in software WebGL they are most of a frame's cost.
 * The demo (about 600 nodes, 1,300 links) keeps them while moving.
 */
const HIDE_EDGES_ON_MOVE_ABOVE = 2_000;
const HIDE_LABELS_ON_MOVE_ABOVE = 1_000;

/**
 * A new map of more links than this shows its nodes first and its links in
 * the frame after: on software WebGL, a first map's links (indexed, written
 * and uploaded by sigma in code still cold) cost as much as its nodes again,
 * and at 50,000 nodes several seconds.
 */
const LINKS_AFTER_NODES_ABOVE = 2_000;

/** Sigma's layers that hold nothing while the camera moves with edges and labels hidden. */
const EMPTY_WHILE_MOVING = ['edges', 'labels', 'hovers', 'hoverNodes'] as const;

/** Hover card for a dark canvas: sigma's default draws a white box. */
function drawDarkHover(context: CanvasRenderingContext2D, data: LabelData, settings: { labelSize: number; labelFont: string }): void {
  const size = settings.labelSize;
  context.font = `600 ${size}px ${settings.labelFont}`;
  const full = (data as { fullLabel?: unknown }).fullLabel;
  const label = typeof full === 'string' ? full : typeof data.label === 'string' ? data.label : '';
  const padX = 6;
  const boxH = size + 8;
  const x = data.x + data.size + 4;
  const w = context.measureText(label).width + padX * 2;
  context.beginPath();
  context.arc(data.x, data.y, data.size + 3, 0, Math.PI * 2);
  context.fillStyle = 'rgba(255,255,255,0.18)';
  context.fill();
  if (label === '') return;
  context.fillStyle = '#1c2430';
  context.strokeStyle = data.color;
  context.lineWidth = 1;
  context.beginPath();
  context.roundRect(x, data.y - boxH / 2, w, boxH, 4);
  context.fill();
  context.stroke();
  context.fillStyle = '#f1f4f8';
  context.fillText(label, x + padX, data.y + size / 3);
}

export class MapView {
  readonly renderer: MapSigma;
  private readonly ctx: { highlight: Highlight | null; hovered: string | null; hoveredNeighbours: Set<string> } = {
    highlight: null,
    hovered: null,
    hoveredNeighbours: new Set(),
  };
  private markers: ReadonlyMap<string, RiskMarker> = new Map();
  private readonly overlay: HTMLCanvasElement;
  private cameraTimer: ReturnType<typeof setTimeout> | undefined;
  /** Labels drawn in the current frame, emptied before each render. */
  private labelBoxes: LabelBox[] = [];
  /** Whether the overlay holds anything now; an empty one is neither cleared again nor composited. */
  private overlayDrawn = false;
  /** Whether the layers that are empty mid-move are hidden now. */
  private layersHidden = false;
  /** The links of the last map set, still to come after its nodes. */
  private pendingLinks: { timer: ReturnType<typeof setTimeout> | undefined; done(): void } | null = null;

  constructor(container: HTMLElement, events: MapViewEvents) {
    const graph = buildGraph({ nodes: [], edges: [] });
    this.renderer = new Sigma<MapNodeAttributes, MapEdgeAttributes>(graph, container, {
      allowInvalidContainer: true,
      zIndex: true,
      renderEdgeLabels: false,
      nodeProgramClasses: { circle: LeanNodeCircleProgram },
      edgeProgramClasses: { line: LeanEdgeRectangleProgram },
      labelFont: LABEL_FONT,
      labelSize: 12,
      labelWeight: '500',
      labelColor: { color: '#d5dbe5' },
      // Labels appear as the user zooms in (rendered size) and rarely crowd (one per grid cell)…
      labelRenderedSizeThreshold: 7,
      labelDensity: 0.5,
      labelGridCellSize: 90,
      // …but a long name reaches into the next cells, so a label that would overlap one already drawn is left out.
      defaultDrawNodeLabel: (context, data, settings) => this.drawLabel(context, data, settings),
      defaultEdgeColor: '#2a3140',
      defaultDrawNodeHover: drawDarkHover,
      minCameraRatio: 0.01,
      maxCameraRatio: 4,
      stagePadding: 40,
      // Sigma hands the reducers its own copy of the attributes: at rest that copy only
      // needs its layer, set in place, instead of a second copy of every node and edge (on a first map, in code still cold).
      nodeReducer: (node, data) => (atRest(this.ctx) ? Object.assign(data, { zIndex: baseZIndex(data) }) : reduceNode(node, data, this.ctx as ReducerContext)),
      edgeReducer: (edge, data) => (atRest(this.ctx) ? data : reduceEdge(data, this.graph.source(edge), this.graph.target(edge), this.ctx as ReducerContext)),
    });

    this.overlay = this.renderer.createCanvas('ecograph-overlay', {
      afterLayer: 'labels',
      style: { pointerEvents: 'none', position: 'absolute', inset: '0', width: '100%', height: '100%' },
    });
    // Edge labels are off, so their layer never holds anything: not composited at all.
    this.renderer.getCanvases()['edgeLabels']?.style.setProperty('visibility', 'hidden');
    this.renderer.on('beforeRender', () => {
      this.labelBoxes = [];
      this.hideEmptyLayers();
    });
    this.renderer.on('afterRender', () => this.drawOverlay());

    this.renderer.on('enterNode', ({ node }) => this.setHovered(node));
    this.renderer.on('leaveNode', () => this.setHovered(null));
    this.renderer.on('clickNode', ({ node }) => events.nodeClick(node, this.graph.getNodeAttributes(node)));
    this.renderer.on('clickStage', () => events.stageClick());
    this.renderer.getCamera().on('updated', (state) => {
      clearTimeout(this.cameraTimer);
      this.cameraTimer = setTimeout(() => events.cameraChange(state), 400);
    });
  }

  get graph() {
    return this.renderer.getGraph();
  }

  /**
   * Swaps in new map data. `keepFrame` keeps sigma's normalisation box (for
   * refined positions of the same view), so the camera keeps pointing at the
   * same place instead of jumping with the new bounding box. The nodes are
   * drawn now; a new map of many links gets them after the frame that shows
   * its nodes (refined positions of the same view get everything at once, so
   * the links do not blink). Resolves once the links are drawn too, or when
   * newer data replaces these.
   */
  setData(data: GraphData, options: { keepFrame?: boolean } = {}): Promise<void> {
    this.cancelPendingLinks();
    this.renderer.setCustomBBox(options.keepFrame === true && this.graph.order > 0 ? this.renderer.getBBox() : null);
    this.ctx.hovered = null;
    this.ctx.hoveredNeighbours.clear();
    // Edges and labels are the bulk of a frame on big maps; while moving, nodes alone keep the shape readable.
    // (Only when they change: a new setting re-indexes the graph still shown.)
    const hide = { hideEdgesOnMove: data.edges.length > HIDE_EDGES_ON_MOVE_ABOVE, hideLabelsOnMove: data.nodes.length > HIDE_LABELS_ON_MOVE_ABOVE };
    if (hide.hideEdgesOnMove !== this.renderer.getSetting('hideEdgesOnMove') || hide.hideLabelsOnMove !== this.renderer.getSetting('hideLabelsOnMove')) this.renderer.setSettings(hide);
    if (options.keepFrame === true || data.edges.length <= LINKS_AFTER_NODES_ABOVE) {
      this.renderer.setGraph(buildGraph(data));
      return Promise.resolve();
    }
    this.renderer.setGraph(buildGraph({ nodes: data.nodes, edges: [] }));
    return new Promise((resolve) => {
      const pending = { timer: undefined as ReturnType<typeof setTimeout> | undefined, done: resolve };
      this.pendingLinks = pending;
      // After the frame with the nodes is on screen: a task after the animation frame that draws it.
      requestAnimationFrame(() => {
        if (this.pendingLinks !== pending) return;
        pending.timer = setTimeout(() => {
          this.pendingLinks = null;
          this.renderer.setGraph(buildGraph(data));
          resolve();
        });
      });
    });
  }

  private cancelPendingLinks(): void {
    if (this.pendingLinks === null) return;
    clearTimeout(this.pendingLinks.timer);
    this.pendingLinks.done();
    this.pendingLinks = null;
  }

  /**
   * While the camera moves with edges and labels hidden, sigma still clears
   * their canvases every frame and the browser still composites them: hiding
   * the empty canvases spares the compositor (software too) a full-screen
   * layer each. They show again for the still frame after the move.
   */
  private hideEmptyLayers(): void {
    const hide = this.renderer.getSetting('hideEdgesOnMove') && this.renderer.getSetting('hideLabelsOnMove') && cameraMoving(this.renderer as unknown as Sigma);
    if (hide === this.layersHidden) return;
    this.layersHidden = hide;
    const canvases = this.renderer.getCanvases();
    for (const layer of EMPTY_WHILE_MOVING) canvases[layer]?.style.setProperty('visibility', hide ? 'hidden' : '');
  }

  /** The labels on screen now, with their boxes (for tests and anyone scripting the page). */
  drawnLabels(): readonly LabelBox[] {
    return this.labelBoxes;
  }

  /**
   * Sigma's own label, unless it would overlap one drawn earlier in this frame.
   * Sigma draws the grid's picks (biggest nodes first within a cell), then
   * forced labels (highlighted nodes); a highlighted node whose label is left
   * out still shows its name on hover.
   */
  private drawLabel(context: CanvasRenderingContext2D, data: Parameters<typeof drawDiscNodeLabel>[1] & { key?: string }, settings: Settings<MapNodeAttributes, MapEdgeAttributes>): void {
    if (!data.label) return;
    context.font = `${settings.labelWeight} ${settings.labelSize}px ${settings.labelFont}`;
    // The box sigma's drawDiscNodeLabel fills: from size + 3 right of the centre, one label size tall around it.
    const box: LabelBox = { node: data.key ?? '', x: data.x + data.size + 3, y: data.y - settings.labelSize / 2, width: context.measureText(data.label).width, height: settings.labelSize };
    if (this.labelBoxes.some((drawn) => overlaps(box, drawn))) return;
    this.labelBoxes.push(box);
    drawDiscNodeLabel(context, data, settings);
  }

  hasNode(id: string): boolean {
    return this.graph.hasNode(id);
  }

  setHighlight(highlight: Highlight | null): void {
    // Each refresh passes over every node and edge: none when nothing changes.
    if (highlight === null && this.ctx.highlight === null) return;
    this.ctx.highlight = highlight;
    this.renderer.refresh({ skipIndexation: true });
  }

  setMarkers(markers: ReadonlyMap<string, RiskMarker>): void {
    this.markers = markers;
    // Markers are drawn on the overlay, after a frame: a frame now, without sigma's pass over every node and edge
    // that a refresh without `partialGraph` makes (seconds at 50,000 nodes).
    this.renderer.refresh({ partialGraph: { nodes: [], edges: [] }, skipIndexation: true });
  }

  private setHovered(node: string | null): void {
    if (node === null && this.ctx.hovered === null) return;
    this.ctx.hovered = node;
    this.ctx.hoveredNeighbours = new Set(node === null ? [] : this.graph.neighbors(node));
    this.renderer.getContainer().style.cursor = node === null ? '' : 'pointer';
    this.renderer.refresh({ skipIndexation: true });
  }

  /** Animates the camera onto a node; false when the node is not on the map. */
  async flyTo(id: string, ratio = 0.25): Promise<boolean> {
    const data = this.renderer.getNodeDisplayData(id);
    if (data === undefined) return false;
    await this.renderer.getCamera().animate({ x: data.x, y: data.y, ratio: Math.min(ratio, this.renderer.getCamera().ratio) }, { duration: 600 });
    return true;
  }

  /** Fits the camera to a set of nodes (a team, a gap's customers). */
  async fitTo(ids: Iterable<string>): Promise<void> {
    const points = [...ids].map((id) => this.renderer.getNodeDisplayData(id)).filter((d) => d !== undefined);
    if (points.length === 0) return;
    const xs = points.map((p) => p.x);
    const ys = points.map((p) => p.y);
    const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
    const ratio = Math.min(1, Math.max(0.08, Math.max(maxX - minX, maxY - minY) * 1.4));
    await this.renderer.getCamera().animate({ x: (minX + maxX) / 2, y: (minY + maxY) / 2, ratio }, { duration: 600 });
  }

  resetCamera(animate = true): void {
    const camera = this.renderer.getCamera();
    if (animate) void camera.animatedReset({ duration: 400 });
    else camera.setState({ x: 0.5, y: 0.5, ratio: 1, angle: 0 });
  }

  setCamera(state: Pick<CameraState, 'x' | 'y' | 'ratio'>): void {
    this.renderer.getCamera().setState(state);
  }

  kill(): void {
    clearTimeout(this.cameraTimer);
    this.cancelPendingLinks();
    this.renderer.kill();
  }

  private drawOverlay(): void {
    const links = this.ctx.highlight?.links ?? [];
    const suggested = this.ctx.highlight?.suggested ?? [];
    const empty = this.markers.size === 0 && links.length === 0 && suggested.length === 0;
    if (empty && !this.overlayDrawn) return;
    this.overlay.style.visibility = empty ? 'hidden' : '';
    this.overlayDrawn = !empty;
    const { width, height } = this.renderer.getDimensions();
    const dpr = window.devicePixelRatio || 1;
    if (this.overlay.width !== Math.round(width * dpr) || this.overlay.height !== Math.round(height * dpr)) {
      this.overlay.width = Math.round(width * dpr);
      this.overlay.height = Math.round(height * dpr);
    }
    const c = this.overlay.getContext('2d');
    if (c === null) return;
    c.setTransform(dpr, 0, 0, dpr, 0, 0);
    c.clearRect(0, 0, width, height);

    const screen = (id: string) => {
      const d = this.renderer.getNodeDisplayData(id);
      if (d === undefined || d.hidden) return undefined;
      return { ...this.renderer.framedGraphToViewport(d), r: this.renderer.scaleSize(d.size) };
    };

    for (const [id, marker] of this.markers) {
      const p = screen(id);
      if (p === undefined) continue;
      c.beginPath();
      c.setLineDash(marker === 'broker' ? [] : [3, 2]);
      c.lineWidth = 2;
      c.strokeStyle = MARKER_COLORS[marker];
      c.arc(p.x, p.y, p.r + 4, 0, Math.PI * 2);
      c.stroke();
    }

    for (const [a, b] of links) {
      const pa = screen(a);
      const pb = screen(b);
      if (pa === undefined || pb === undefined) continue;
      c.lineWidth = 2;
      c.strokeStyle = 'rgba(255,255,255,0.85)';
      c.beginPath();
      c.moveTo(pa.x, pa.y);
      c.lineTo(pb.x, pb.y);
      c.stroke();
    }

    for (const [a, b] of suggested) {
      const pa = screen(a);
      const pb = screen(b);
      if (pa === undefined || pb === undefined) continue;
      c.setLineDash([8, 6]);
      c.lineCap = 'round';
      c.shadowColor = HIGHLIGHT_COLORS.supply;
      c.shadowBlur = 8;
      c.lineWidth = 3;
      c.strokeStyle = HIGHLIGHT_COLORS.supply;
      c.beginPath();
      c.moveTo(pa.x, pa.y);
      c.lineTo(pb.x, pb.y);
      c.stroke();
      c.shadowBlur = 0;
    }
    c.setLineDash([]);
  }
}
